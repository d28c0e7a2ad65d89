package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Terraform and OpenTofu write the state as indented JSON, two spaces a
// level; an instance's fields sit five levels deep and its attributes six.
const (
	stateIndent     = "  "
	instanceDepth   = 5
	attributesDepth = 6
)

// stateBytesPerResource is the size of the state file at path divided by
// the n resources it holds: what the CLI rewrites per resource, as it
// rewrites the whole file after each one.
func stateBytesPerResource(path string, n int) (float64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return float64(fi.Size()) / float64(n), nil
}

// fieldBytes is what one field of an instance takes in the state file.
type fieldBytes struct {
	// name is the attribute's name, or the instance field's in
	// parentheses, such as (sensitive_attributes).
	name  string
	bytes int
	null  bool
}

// instanceFieldBytes splits the first instance of resource type typ in
// the state file at path into what each of its fields takes as the CLI
// writes it, its line or lines with their indentation: every attribute,
// null ones included, and every other field of the instance. Largest
// first.
func instanceFieldBytes(path, typ string) ([]fieldBytes, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []struct {
			Type      string                       `json:"type"`
			Instances []map[string]json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("reading state %s: %w", path, err)
	}
	for _, r := range state.Resources {
		if r.Type != typ || len(r.Instances) == 0 {
			continue
		}
		return splitInstance(r.Instances[0])
	}
	return nil, fmt.Errorf("state %s holds no %s", path, typ)
}

func splitInstance(instance map[string]json.RawMessage) ([]fieldBytes, error) {
	var fields []fieldBytes
	for name, value := range instance {
		if name != "attributes" {
			size, err := fieldSize(name, value, instanceDepth)
			if err != nil {
				return nil, err
			}
			fields = append(fields, fieldBytes{name: "(" + name + ")", bytes: size, null: isNull(value)})
			continue
		}
		var attributes map[string]json.RawMessage
		if err := json.Unmarshal(value, &attributes); err != nil {
			return nil, err
		}
		for attr, v := range attributes {
			size, err := fieldSize(attr, v, attributesDepth)
			if err != nil {
				return nil, err
			}
			fields = append(fields, fieldBytes{name: attr, bytes: size, null: isNull(v)})
		}
	}
	slices.SortFunc(fields, func(a, b fieldBytes) int {
		if a.bytes != b.bytes {
			return b.bytes - a.bytes
		}
		return strings.Compare(a.name, b.name)
	})
	return fields, nil
}

// fieldSize is the bytes of `"name": value,` and its line break, indented
// at depth, as json.MarshalIndent writes it. The last field of an object
// has no comma, which this counts anyway.
func fieldSize(name string, value json.RawMessage, depth int) (int, error) {
	prefix := strings.Repeat(stateIndent, depth)
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, value); err != nil {
		return 0, err
	}
	if err := json.Indent(&indented, compact.Bytes(), prefix, stateIndent); err != nil {
		return 0, err
	}
	quoted, err := json.Marshal(name)
	if err != nil {
		return 0, err
	}
	return len(prefix) + len(quoted) + len(": ") + indented.Len() + len(",\n"), nil
}

func isNull(value json.RawMessage) bool {
	return string(bytes.TrimSpace(value)) == "null"
}
