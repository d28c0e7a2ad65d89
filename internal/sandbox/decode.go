package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"
)

const maxBodyBytes = 64 << 10

// member is one name and raw value of a request's JSON object.
type member struct {
	name  string
	value json.RawMessage
}

func (m member) isNull() bool {
	return bytes.Equal(bytes.TrimSpace(m.value), []byte("null"))
}

// readBody reads at most maxBodyBytes. An error is kept for later, because a
// caller without a valid key must hear 401 before it hears about its body.
func readBody(r *http.Request) ([]byte, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || mediaType != "application/json" {
			return nil, invalidJSON("", "the body must be sent as Content-Type: application/json")
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, invalidJSON("", "the body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, invalidJSON("", "the body is larger than 64 KiB")
	}
	return body, nil
}

// decodeObject splits a body into the members of one JSON object. It refuses
// what encoding/json would let pass silently (a repeated name, data after the
// object, invalid UTF-8), so that one body has exactly one meaning.
func decodeObject(body []byte) ([]member, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, invalidJSON("", "the body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return nil, invalidJSON("", "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, invalidJSON("", "the body must be a JSON object")
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed(err)
		}
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, malformed(err)
		}
		if seen[name] {
			return nil, invalidJSON(name, "%s appears more than once", name)
		}
		seen[name] = true
		members = append(members, member{name: name, value: value})
	}
	if _, err := dec.Token(); err != nil {
		return nil, malformed(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalidJSON("", "the body holds more than one JSON value")
	}
	return members, nil
}

func malformed(err error) *apiError {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return invalidJSON("", "the body is not valid JSON at byte %d: %s", syntax.Offset, syntax.Error())
	}
	return invalidJSON("", "the body is not valid JSON")
}

// optionalString decodes a string member; null counts as absent.
func optionalString(m member) (*string, *apiError) {
	if m.isNull() {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(m.value, &s); err != nil {
		return nil, invalidJSON(m.name, "%s must be a string", m.name)
	}
	return &s, nil
}

// optionalInteger keeps an integer member as its literal, so that a number
// too large for any integer type is a broken rule (422), not broken JSON.
func optionalInteger(m member) (*string, *apiError) {
	if m.isNull() {
		return nil, nil
	}
	s := string(bytes.TrimSpace(m.value))
	if !isIntegerLiteral(s) {
		return nil, invalidJSON(m.name, "%s must be an integer", m.name)
	}
	return &s, nil
}

func isIntegerLiteral(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// optionalStrings decodes an array of strings; null counts as absent, and a
// present but empty array stays distinct from an absent one.
func optionalStrings(m member) ([]string, bool, *apiError) {
	if m.isNull() {
		return nil, false, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(m.value, &items); err != nil {
		return nil, false, invalidJSON(m.name, "%s must be an array of strings", m.name)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if bytes.Equal(bytes.TrimSpace(item), []byte("null")) || json.Unmarshal(item, &s) != nil {
			return nil, false, invalidJSON(m.name, "%s must be an array of strings", m.name)
		}
		out = append(out, s)
	}
	return out, true, nil
}
