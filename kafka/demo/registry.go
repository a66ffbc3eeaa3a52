package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The demo's schema-registry topics: Avro orders whose schema references a
// Money record and has unions, and Protobuf payments with nested messages.
const (
	OrdersAvroTopic    = "orders-avro"
	PaymentsProtoTopic = "payments-proto"

	OrdersAvroPartitions    = 2
	PaymentsProtoPartitions = 2

	OrdersAvroRecords    = 40
	PaymentsProtoRecords = 40
)

// Schemas the demo registry serves, registered in this order.
const (
	moneyAvroSubject = "demo.Money"
	moneyAvroSchema  = `{"type":"record","name":"Money","namespace":"demo","fields":[
  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
  {"name":"currency","type":"string"}]}`
	orderAvroSchema = `{"type":"record","name":"Order","namespace":"demo","fields":[
  {"name":"order_id","type":"string"},
  {"name":"order_uuid","type":{"type":"string","logicalType":"uuid"}},
  {"name":"user_id","type":"string"},
  {"name":"status","type":{"type":"enum","name":"Status","symbols":["CREATED","PAID","SHIPPED","DELIVERED","CANCELLED"]}},
  {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"delivery_date","type":["null",{"type":"int","logicalType":"date"}],"default":null},
  {"name":"total","type":"demo.Money"},
  {"name":"coupon","type":["null","string"],"default":null}]}`

	moneyProtoSubject = "demo/money.proto"
	moneyProtoSchema  = `syntax = "proto3";
package demo;
message Money { string currency = 1; int64 cents = 2; }
`
	paymentProtoSchema = `syntax = "proto3";
package demo.payments;
import "demo/money.proto";
message Payment {
  string payment_id = 1;
  string order_id = 2;
  demo.Money amount = 3;
  Method method = 4;
  message Method {
    Card card = 1;
    message Card { string brand = 1; string last4 = 2; }
  }
  repeated string tags = 5;
}
`
)

// startRegistry starts the demo's in-process schema registry on loopback
// and registers the demo's schemas.
func startRegistry() (reg *srfake.Registry, orderID, paymentID int, err error) {
	reg = srfake.New()
	register := func(subject string, s sr.Schema) int {
		if err != nil {
			return 0
		}
		var id int
		id, _, err = reg.RegisterSchema(subject, s)
		return id
	}
	register(moneyAvroSubject, sr.Schema{Schema: moneyAvroSchema})
	orderID = register(OrdersAvroTopic+"-value", sr.Schema{Schema: orderAvroSchema,
		References: []sr.SchemaReference{{Name: "demo.Money", Subject: moneyAvroSubject, Version: 1}}})
	register(moneyProtoSubject, sr.Schema{Schema: moneyProtoSchema, Type: sr.TypeProtobuf})
	paymentID = register(PaymentsProtoTopic+"-value", sr.Schema{Schema: paymentProtoSchema, Type: sr.TypeProtobuf,
		References: []sr.SchemaReference{{Name: moneyProtoSubject, Subject: moneyProtoSubject, Version: 1}}})
	if err != nil {
		reg.Close()
		return nil, 0, 0, fmt.Errorf("demo schema registry: %w", err)
	}
	return reg, orderID, paymentID, nil
}

// seedRegistryTopics creates the schema-registry topics and fills them with
// framed records timed over the 2 hours before base.
func seedRegistryTopics(ctx context.Context, brokers []string, base time.Time, orderID, paymentID int) error {
	recs, err := registryRecords(base, orderID, paymentID)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ClientID("kgroups-demo-seed"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for topic, partitions := range map[string]int32{OrdersAvroTopic: OrdersAvroPartitions, PaymentsProtoTopic: PaymentsProtoPartitions} {
		resp, err := adm.CreateTopic(ctx, partitions, -1, nil, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("demo seed: create topic %s: %w", topic, err)
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("demo seed: produce: %w", err)
	}
	var os kadm.Offsets
	for p, at := range RegistryCommits() {
		os.AddOffset(OrdersAvroTopic, p, at, -1)
	}
	if err := adm.CommitAllOffsets(ctx, OrdersAvroGroup, os); err != nil {
		return fmt.Errorf("demo seed: commit %s: %w", OrdersAvroGroup, err)
	}
	return nil
}

// OrdersAvroGroup reads OrdersAvroTopic, a little behind.
const OrdersAvroGroup = Base + "-" + OrdersAvroTopic

// RegistryCommits is OrdersAvroGroup's seeded committed offset per
// partition of OrdersAvroTopic (which ends at 20 on each).
func RegistryCommits() map[int32]int64 { return map[int32]int64{0: 16, 1: 20} }

// registryRecords builds the framed Avro orders and Protobuf payments.
func registryRecords(base time.Time, orderID, paymentID int) ([]*kgo.Record, error) {
	enc, err := newRegistryEncoder(orderID, paymentID, newGenerator(4))
	if err != nil {
		return nil, err
	}
	start := base.Add(-2 * time.Hour)
	step := 2 * time.Hour / OrdersAvroRecords
	var recs []*kgo.Record
	for i := range OrdersAvroRecords {
		r, err := enc.order(i, start.Add(time.Duration(i)*step))
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	for i := range PaymentsProtoRecords {
		r, err := enc.payment(i, start.Add(time.Duration(i)*step))
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// registryEncoder frames orders and payments as their producers would: the
// Confluent header with the registered schema id, then the Avro or
// Protobuf encoding. Its content is deterministic for a generator.
type registryEncoder struct {
	orderID, paymentID int
	orderSchema        *avro.Schema
	paymentDesc        protoreflect.MessageDescriptor
	g                  *generator
}

func newRegistryEncoder(orderID, paymentID int, g *generator) (*registryEncoder, error) {
	var cache avro.SchemaCache
	if _, err := cache.Parse(moneyAvroSchema); err != nil {
		return nil, err
	}
	orderSchema, err := cache.Parse(orderAvroSchema)
	if err != nil {
		return nil, err
	}
	payment, err := paymentDescriptor()
	if err != nil {
		return nil, err
	}
	return &registryEncoder{orderID: orderID, paymentID: paymentID, orderSchema: orderSchema, paymentDesc: payment, g: g}, nil
}

// order is the i-th order (0-based), placed at ts, on partition i mod
// OrdersAvroPartitions.
func (e *registryEncoder) order(i int, ts time.Time) (*kgo.Record, error) {
	statuses := []string{"CREATED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"}
	g := e.g
	var delivery, coupon any
	if i%3 == 0 {
		delivery = ts.AddDate(0, 0, 3).UTC().Truncate(24 * time.Hour)
	}
	if i%5 == 0 {
		coupon = "WELCOME10"
	}
	order := map[string]any{
		"order_id":      fmt.Sprintf("ord_%06d", i+1),
		"order_uuid":    fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
		"user_id":       userID(g.pick(len(users))),
		"status":        statuses[g.pick(len(statuses))],
		"placed_at":     ts.UTC().Truncate(time.Millisecond),
		"delivery_date": delivery,
		"total":         map[string]any{"amount": big.NewRat(int64(500+g.pick(30000)), 100), "currency": "EUR"},
		"coupon":        coupon,
	}
	var header sr.ConfluentHeader
	value, err := header.AppendEncode(nil, e.orderID, nil)
	if err != nil {
		return nil, err
	}
	if value, err = e.orderSchema.AppendEncode(value, order); err != nil {
		return nil, fmt.Errorf("demo: encode order %d: %w", i, err)
	}
	return &kgo.Record{Topic: OrdersAvroTopic, Partition: int32(i % OrdersAvroPartitions),
		Key: []byte(order["order_id"].(string)), Value: value, Timestamp: ts}, nil
}

// payment is the i-th payment (0-based), made at ts, on partition i mod
// PaymentsProtoPartitions.
func (e *registryEncoder) payment(i int, ts time.Time) (*kgo.Record, error) {
	brands := []string{"VISA", "MASTERCARD", "AMEX"}
	g := e.g
	js, _ := json.Marshal(map[string]any{
		"paymentId": fmt.Sprintf("pay_%06d", i+1),
		"orderId":   fmt.Sprintf("ord_%06d", i+1),
		"amount":    map[string]any{"currency": "EUR", "cents": 500 + g.pick(30000)},
		"method":    map[string]any{"card": map[string]any{"brand": brands[g.pick(len(brands))], "last4": fmt.Sprintf("%04d", g.pick(10000))}},
		"tags":      []string{tagPool[g.pick(len(tagPool))]},
	})
	msg := dynamicpb.NewMessage(e.paymentDesc)
	if err := protojson.Unmarshal(js, msg); err != nil {
		return nil, fmt.Errorf("demo: payment %d: %w", i, err)
	}
	var header sr.ConfluentHeader
	value, err := header.AppendEncode(nil, e.paymentID, []int{0})
	if err != nil {
		return nil, err
	}
	if value, err = (proto.MarshalOptions{Deterministic: true}).MarshalAppend(value, msg); err != nil {
		return nil, fmt.Errorf("demo: payment %d: %w", i, err)
	}
	return &kgo.Record{Topic: PaymentsProtoTopic, Partition: int32(i % PaymentsProtoPartitions),
		Key: fmt.Appendf(nil, "pay_%06d", i+1), Value: value, Timestamp: ts}, nil
}

// paymentDescriptor compiles the demo's payment schema.
func paymentDescriptor() (protoreflect.MessageDescriptor, error) {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"payment.proto": paymentProtoSchema, moneyProtoSubject: moneyProtoSchema}),
	})}
	files, err := c.Compile(context.Background(), "payment.proto")
	if err != nil {
		return nil, fmt.Errorf("demo: payment schema: %w", err)
	}
	md := files[0].Messages().ByName("Payment")
	if md == nil {
		return nil, errors.New("demo: payment schema has no Payment")
	}
	return md, nil
}
