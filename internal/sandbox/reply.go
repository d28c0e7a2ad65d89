package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// reply is an answer computed before anything is sent, so that an injected
// fault can still replace it after the work behind it is done.
type reply struct {
	status int
	header http.Header
	body   []byte // nil for an answer without a body
}

func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil {
		return errorReply(&apiError{status: http.StatusInternalServerError, code: "internal", message: "the answer could not be encoded"})
	}
	return reply{status: status, body: body}
}

func (rp reply) withHeader(name, value string) reply {
	h := rp.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(name, value)
	rp.header = h
	return rp
}

func (rp reply) write(w http.ResponseWriter, requestID string) {
	h := w.Header()
	for name, values := range rp.header {
		h[name] = values
	}
	h.Set("X-Request-Id", requestID)
	// Creates and credentials reads carry a key and a secret; no answer is
	// worth caching.
	h.Set("Cache-Control", "no-store")
	if rp.body != nil {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(rp.body)))
	}
	w.WriteHeader(rp.status)
	if rp.body != nil {
		_, _ = w.Write(rp.body)
	}
}

// apiError is an answer in the contract's error shape.
type apiError struct {
	status  int
	code    string
	field   string
	message string
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func errorReply(e *apiError) reply {
	body, _ := json.Marshal(errorBody{Error: errorDetail{Code: e.code, Message: e.message, Field: e.field}})
	return reply{status: e.status, body: body}
}

func invalidJSON(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "invalid_json", field: field, message: fmt.Sprintf(format, args...)}
}

func validationFailed(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "validation_failed", field: field, message: fmt.Sprintf(format, args...)}
}

func immutableField(field string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "immutable_field", field: field,
		message: fmt.Sprintf("%s cannot be changed; only label, permissions and valid_until can", field)}
}

func forbidden(format string, args ...any) *apiError {
	return &apiError{status: http.StatusForbidden, code: "forbidden", message: fmt.Sprintf(format, args...)}
}

// unknownPath answers a path the API does not have. Its code differs from
// not_found, which says that a key does not exist, so that a client pointed
// at the wrong base URL cannot take every key for deleted.
func unknownPath(message string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "unknown_path", message: message}
}

func notFound(message string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "not_found", message: message}
}

func internalError(message string) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: "internal", message: message}
}

var errUnauthorized = &apiError{status: http.StatusUnauthorized, code: "unauthorized",
	message: "send a valid API key in the X-Api-Key header"}
