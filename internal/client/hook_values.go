package client

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// hookFieldError names a hook's field that cannot be read, never its value:
// a hook's headers may hold a password.
type hookFieldError struct {
	field, want string
}

func (e *hookFieldError) Error() string { return e.field + " must be " + e.want }

// hookDecodeProblem describes a decoding error without the value at fault.
func hookDecodeProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var fieldErr *hookFieldError
	switch {
	case errors.As(err, &fieldErr):
		return fieldErr.Error()
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s is a JSON %s", cmp.Or(typeErr.Field, "a hook"), typeErr.Value)
	}
	return "not a list of hook objects"
}

// UnmarshalJSON reads a hook as any reading of seven.io's API gives it:
// the id as a string of digits (listed) or an integer (created), created
// with or without a zone, event_filter and headers as null or a string,
// enabled as a boolean, 0/1 or their strings.
func (h *Hook) UnmarshalJSON(data []byte) error {
	var wire struct {
		ID            json.RawMessage `json:"id"`
		TargetURL     string          `json:"target_url"`
		EventType     string          `json:"event_type"`
		RequestMethod string          `json:"request_method"`
		EventFilter   *string         `json:"event_filter"`
		Headers       *string         `json:"headers"`
		Enabled       json.RawMessage `json:"enabled"`
		Created       *string         `json:"created"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	id, err := hookIDFrom(wire.ID)
	if err != nil {
		return err
	}
	enabled, ok := flexibleBool(wire.Enabled)
	if !ok {
		return &hookFieldError{field: "enabled", want: "a boolean"}
	}
	var created time.Time
	if wire.Created != nil && *wire.Created != "" {
		if created, err = ParseHookTime(*wire.Created); err != nil {
			return &hookFieldError{field: "created", want: "a time such as 2025-03-30 14:05:00"}
		}
	}
	*h = Hook{
		ID: id, TargetURL: wire.TargetURL, EventType: wire.EventType, RequestMethod: wire.RequestMethod,
		EventFilter: deref(wire.EventFilter), Headers: deref(wire.Headers), Enabled: enabled, Created: created,
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// hookIDFrom reads an id given as a string or as a whole number.
func hookIDFrom(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, nil
		}
	}
	if len(raw) > 0 && strings.Trim(string(raw), "0123456789") == "" {
		return string(raw), nil
	}
	return "", &hookFieldError{field: "id", want: "a whole number or a string of digits"}
}

func flexibleBool(raw json.RawMessage) (value, ok bool) {
	switch string(bytes.TrimSpace(raw)) {
	case "true", "1", `"1"`, `"true"`:
		return true, true
	case "false", "0", `"0"`, `"false"`, "", "null":
		return false, true
	}
	return false, false
}

// ParseHookTime reads the time the gateway gives a hook's creation:
// "2006-01-02 15:04:05" in Berlin time, as seven.io answers it, or the same
// with a zone, or RFC 3339. The result is in UTC. In the hour that Berlin
// lives twice each autumn, a time without a zone is read as Go's
// time.Date chooses.
func ParseHookTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, hookZone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a time of the form 2006-01-02 15:04:05")
}

// MaxHookIDLength bounds the ids CheckHookID accepts.
const MaxHookIDLength = 20

// CheckHookID refuses what the gateway never issues as a hook id: ids are
// whole numbers, so an id never needs escaping.
func CheckHookID(id string) error {
	switch {
	case id == "":
		return errors.New("a hook id must not be empty")
	case len(id) > MaxHookIDLength:
		return fmt.Errorf("a hook id has at most %d digits", MaxHookIDLength)
	case strings.Trim(id, "0123456789") != "":
		return errors.New("a hook id has only digits")
	}
	return nil
}
