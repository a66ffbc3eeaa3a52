package decode

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Schemas the tests register: an Avro order referencing a Money record,
// with a union and logical types; a Protobuf payment importing a Money
// message, with nested messages; a JSON schema.
const (
	moneyAvro = `{"type":"record","name":"Money","namespace":"shop","fields":[
		{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
		{"name":"currency","type":"string"}]}`
	orderAvro = `{"type":"record","name":"Order","namespace":"shop","fields":[
		{"name":"id","type":{"type":"string","logicalType":"uuid"}},
		{"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
		{"name":"due","type":{"type":"int","logicalType":"date"}},
		{"name":"total","type":"shop.Money"},
		{"name":"note","type":["null","string"],"default":null},
		{"name":"coupon","type":["null","shop.Money"],"default":null},
		{"name":"items","type":{"type":"array","items":"string"}},
		{"name":"qty","type":{"type":"map","values":"int"}}]}`
	plainAvro = `{"type":"record","name":"Event","fields":[
		{"name":"user","type":"string"},
		{"name":"count","type":"long"},
		{"name":"score","type":"double"},
		{"name":"ok","type":"boolean"},
		{"name":"tag","type":["null","string","long"]},
		{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["CLICK","VIEW"]}}]}`
	moneyProto = `syntax = "proto3";
package common;
message Money { string currency = 1; int64 cents = 2; }`
	paymentProto = `syntax = "proto3";
package payments;
import "common/money.proto";
message Payment {
  string id = 1;
  common.Money amount = 2;
  Card card = 3;
  message Card {
    string last4 = 1;
    Brand brand = 2;
    enum Brand { BRAND_UNSPECIFIED = 0; VISA = 1; }
  }
}
message Refund { string payment_id = 1; repeated string reasons = 2; }`
	eventJSONSchema = `{"type":"object","properties":{"user":{"type":"string"}}}`
)

// testRegistry is a srfake registry with the fixtures registered, counting
// the requests it serves.
type testRegistry struct {
	*srfake.Registry
	requests                             atomic.Int64
	orderID, plainID, paymentID, eventID int
}

func newTestRegistry(t testing.TB, opts ...srfake.Option) *testRegistry {
	t.Helper()
	reg := &testRegistry{Registry: srfake.New(opts...)}
	t.Cleanup(reg.Close)
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool {
		reg.requests.Add(1)
		return false
	})
	must := func(id, _ int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	must(reg.RegisterSchema("shop.Money", sr.Schema{Schema: moneyAvro}))
	reg.orderID = must(reg.RegisterSchema("orders-value", sr.Schema{Schema: orderAvro,
		References: []sr.SchemaReference{{Name: "shop.Money", Subject: "shop.Money", Version: 1}}}))
	reg.plainID = must(reg.RegisterSchema("events-value", sr.Schema{Schema: plainAvro}))
	must(reg.RegisterSchema("common/money.proto", sr.Schema{Schema: moneyProto, Type: sr.TypeProtobuf}))
	reg.paymentID = must(reg.RegisterSchema("payments-value", sr.Schema{Schema: paymentProto, Type: sr.TypeProtobuf,
		References: []sr.SchemaReference{{Name: "common/money.proto", Subject: "common/money.proto", Version: 1}}}))
	reg.eventID = must(reg.RegisterSchema("clicks-value", sr.Schema{Schema: eventJSONSchema, Type: sr.TypeJSON}))
	reg.requests.Store(0)
	return reg
}

// newTestDecoder returns an Auto decoder against url with a short timeout.
func newTestDecoder(t testing.TB, opt RegistryOptions) *Decoder {
	t.Helper()
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	reg, err := NewRegistry(opt)
	if err != nil {
		t.Fatal(err)
	}
	return New(Auto, reg)
}

// frame prepends the Confluent header, as franz-go's serde writes it.
func frame(t testing.TB, id int, index []int, payload []byte) []byte {
	t.Helper()
	var h sr.ConfluentHeader
	b, err := h.AppendEncode(nil, id, index)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, payload...)
}

// protoMessage compiles the payment fixtures and returns the named message.
func protoMessage(t testing.TB, name protoreflect.FullName) protoreflect.MessageDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"payment.proto": paymentProto, "common/money.proto": moneyProto}),
	})}
	files, err := c.Compile(context.Background(), "payment.proto")
	if err != nil {
		t.Fatal(err)
	}
	d, err := files.AsResolver().FindDescriptorByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return d.(protoreflect.MessageDescriptor)
}

// protoPayload encodes the protojson text js as message md, with the
// reference implementation.
func protoPayload(t testing.TB, md protoreflect.MessageDescriptor, js string) []byte {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(js), m); err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON fails unless got and want are equal JSON values.
func sameJSON(t testing.TB, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("decoded value %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("decoded\n %s\nwant\n %s", got, want)
	}
}

func protoreflectName(s string) protoreflect.FullName { return protoreflect.FullName(s) }

func itoa(i int) string { return strconv.Itoa(i) }

func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
