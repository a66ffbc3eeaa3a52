package decode

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoCodec decodes Protobuf messages written with one registry schema.
type protoCodec struct {
	file protoreflect.FileDescriptor
}

// mainProtoFile names the schema being compiled; its references are
// compiled under the names the registry gives them (their import paths).
const mainProtoFile = "kgroups-registry-schema.proto"

// newProtoCodec compiles schema with its references (import path → text).
func newProtoCodec(ctx context.Context, refs map[string]string, schema string) (*protoCodec, error) {
	files := map[string]string{mainProtoFile: schema}
	for name, text := range refs {
		files[name] = text
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(files),
		}),
	}
	compiled, err := compiler.Compile(ctx, mainProtoFile)
	if err != nil {
		return nil, fmt.Errorf("protobuf schema: %v", err)
	}
	return &protoCodec{file: compiled[0]}, nil
}

// decode reads the message indexes that follow the schema id (a zigzag
// varint count, then that many zigzag varint indexes; a count of 0 means
// [0], the first message) and decodes the rest as that message.
func (c *protoCodec) decode(payload []byte) ([]byte, error) {
	r := bytes.NewReader(payload)
	count, err := binary.ReadVarint(r)
	if err != nil || count < 0 || count > 64 {
		return nil, fmt.Errorf("protobuf message indexes unreadable")
	}
	indexes := []int64{0}
	if count > 0 {
		indexes = make([]int64, count)
		for i := range indexes {
			if indexes[i], err = binary.ReadVarint(r); err != nil {
				return nil, fmt.Errorf("protobuf message indexes unreadable")
			}
		}
	}
	md, err := c.message(indexes)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(r)
	msg := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(body, msg); err != nil {
		return nil, fmt.Errorf("protobuf payload does not match %s: %v", md.FullName(), err)
	}
	out, err := protojson.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("protobuf %s: %v", md.FullName(), err)
	}
	// protojson varies its whitespace on purpose; compact it for stable
	// output.
	var compact bytes.Buffer
	if err := json.Compact(&compact, out); err != nil {
		return nil, fmt.Errorf("protobuf %s: %v", md.FullName(), err)
	}
	return compact.Bytes(), nil
}

// message finds the message the indexes name: the first picks a top-level
// message of the file, each next one a message nested in the previous.
func (c *protoCodec) message(indexes []int64) (protoreflect.MessageDescriptor, error) {
	msgs := c.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range indexes {
		if i < 0 || int(i) >= msgs.Len() {
			return nil, fmt.Errorf("protobuf message index %v not in the schema", indexes)
		}
		md = msgs.Get(int(i))
		msgs = md.Messages()
	}
	return md, nil
}
