package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// seven.io's own API (/hooks) does not answer errors as the key contract
// does: a refusal is HTTP 200 with "success": false, and a key it does not
// take is a bare number as the whole body, with HTTP 200 or 401 (or, from a
// gateway that follows the key contract's statuses, 403). These errors
// are *APIError values that errors.Is matches to the sentinels below.
var (
	// ErrUnknownKey is seven.io's code 900: the gateway knows no such API
	// key.
	ErrUnknownKey = errors.New("the gateway does not know the API key (code 900)")
	// ErrMissingScope is seven.io's code 902: the API key may not use this
	// endpoint, such as /hooks without the hooks scope.
	ErrMissingScope = errors.New("the API key lacks the scope of this endpoint (code 902)")
	// ErrRefused is seven.io's answer "success": false: the gateway did not
	// do what was asked, for the reason in the error's Message.
	ErrRefused = errors.New("the gateway refused the request")
)

// The numeric codes that seven.io sends as a whole body.
const (
	codeUnknownKey   = "900"
	codeMissingScope = "902"
)

// Is lets errors.Is tell seven.io's refusals apart.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnknownKey:
		return e.Code == codeUnknownKey
	case ErrMissingScope:
		return e.Code == codeMissingScope
	case ErrRefused:
		return e.refused
	}
	return false
}

// sevenStatus is the part every answer of seven.io's API shares.
type sevenStatus struct {
	Success      json.RawMessage `json:"success"`
	Code         json.RawMessage `json:"code"`
	ErrorMessage *string         `json:"error_message"`
}

// decodeSevenResponse reads an answer of seven.io's own API: a numeric code
// as the whole body (whatever the status) or a 2xx body whose success is
// not true become an *APIError; other statuses are read as decodeResponse
// reads them; a 2xx body that succeeded is decoded into out.
func decodeSevenResponse(method, path string, resp *http.Response, limit int, out any) error {
	body, tooLarge, err := readAnswer(method, path, resp, limit)
	if err != nil {
		return err
	}
	apiErr := func() *APIError {
		return &APIError{StatusCode: resp.StatusCode, RequestID: sanitize(resp.Header.Get("X-Request-Id"), tokenRunes),
			Method: method, Path: path, retryAfter: resp.Header.Get("Retry-After")}
	}
	if code, ok := numericBody(body); ok && tooLarge == "" {
		e := apiErr()
		e.Code = code
		e.Message = numericCodeMessage(code)
		return e
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeBody(method, path, resp, body, tooLarge, nil)
	}
	var status sevenStatus
	if err := decodeBody(method, path, resp, body, tooLarge, &status); err != nil {
		return err
	}
	switch succeeded(status.Success) {
	case successMissing:
		return &MalformedAnswerError{Method: method, Path: path, StatusCode: resp.StatusCode,
			RequestID: sanitize(resp.Header.Get("X-Request-Id"), tokenRunes), Problem: "the answer does not say whether it succeeded"}
	case successFalse:
		e := apiErr()
		e.refused = true
		e.Code = rawCode(status.Code)
		e.Message = "the gateway refused the request without saying why"
		if status.ErrorMessage != nil {
			if m := sanitize(*status.ErrorMessage, messageRunes); m != "" {
				e.Message = m
			}
		}
		return e
	}
	if out == nil {
		return nil
	}
	return decodeBody(method, path, resp, body, tooLarge, out)
}

// numericBody recognises seven.io's bare status codes, such as 900.
func numericBody(body []byte) (string, bool) {
	text := string(bytes.TrimSpace(body))
	if len(text) < 1 || len(text) > 4 || strings.Trim(text, "0123456789") != "" {
		return "", false
	}
	return text, true
}

func numericCodeMessage(code string) string {
	switch code {
	case codeUnknownKey:
		return "the gateway does not know this API key"
	case codeMissingScope:
		return "this API key may not use this endpoint (it lacks the scope)"
	}
	return "the gateway answered with code " + code
}

type success int

const (
	successMissing success = iota
	successFalse
	successTrue
)

// succeeded reads "success" as seven.io's answers and clients spell it:
// true, or in older answers "true", 1 or "1"; every other value, null
// included, is a refusal.
func succeeded(raw json.RawMessage) success {
	text := string(bytes.TrimSpace(raw))
	switch text {
	case "":
		return successMissing
	case "true", `"true"`, "1", `"1"`:
		return successTrue
	}
	return successFalse
}

// rawCode keeps a code that came as a string or a number; null is none.
func rawCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return sanitize(s, tokenRunes)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if _, err := strconv.ParseFloat(n.String(), 64); err == nil {
			return sanitize(n.String(), tokenRunes)
		}
	}
	return ""
}
