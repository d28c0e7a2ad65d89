package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// repeatReader yields body count times without holding it all, so that a
// fuzz input of a few bytes can stand for a body of many megabytes.
type repeatReader struct {
	body  []byte
	count int
	pos   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && len(r.body) > 0 && r.count > 0 {
		copied := copy(p[n:], r.body[r.pos:])
		n += copied
		r.pos += copied
		if r.pos == len(r.body) {
			r.pos = 0
			r.count--
		}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func testResponse(status int, contentType string, body io.Reader) *http.Response {
	header := http.Header{"X-Request-Id": {"req_9"}}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(body)}
}

func decodeError(t *testing.T, status int, contentType string, body []byte) *APIError {
	t.Helper()
	err := decodeResponse("GET", "/balance", testResponse(status, contentType, bytes.NewReader(body)), maxBodyBytes, &Balance{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	if apiErr.StatusCode != status || apiErr.RequestID != "req_9" || apiErr.Method != "GET" || apiErr.Path != "/balance" {
		t.Errorf("APIError = %+v, want status %d, request id, method and path", apiErr, status)
	}
	return apiErr
}

func TestDecodeContractErrors(t *testing.T) {
	t.Parallel()
	apiErr := decodeError(t, 422, "application/json", []byte(`{"error": {"code": "validation_failed", "message": "label is too long", "field": "label", "hint": 3}}`))
	if apiErr.Code != "validation_failed" || apiErr.Message != "label is too long" || apiErr.Field != "label" {
		t.Errorf("APIError = %+v", apiErr)
	}

	apiErr = decodeError(t, 409, "application/json", []byte(`{"error": {"code": "key_quota_exceeded"}}`))
	if apiErr.Code != "key_quota_exceeded" || apiErr.Message != "Conflict" {
		t.Errorf("APIError = %+v, want the status text as message", apiErr)
	}

	apiErr = decodeError(t, 400, "application/json", []byte("{\"error\": {\"code\": \"invalid_json\", \"message\": \"bad\\u001b[31m\\nbody\\u202e\"}}"))
	if apiErr.Message != "bad [31m body" {
		t.Errorf("message = %q, want control characters gone", apiErr.Message)
	}
}

func TestDecodeUnexpectedErrorBodies(t *testing.T) {
	t.Parallel()
	proxyPage, err := os.ReadFile("testdata/bad_gateway.html")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		status      int
		contentType string
		body        []byte
		want        string
	}{
		"proxy page": {
			status: 502, contentType: "text/html; charset=utf-8", body: proxyPage,
			want: "unexpected text/html response: 502 Bad Gateway 502 Bad Gateway nginx window.trackingId = \"0123456789abcdef0123456789abcdef012345678…",
		},
		"truncated JSON": {
			status: 500, contentType: "application/json", body: []byte(`{"error": {"code": "internal", "mess`),
			want: `malformed JSON error response: {"error": {"code": "internal", "mess`,
		},
		"wrong types": {
			status: 409, contentType: "application/json", body: []byte(`{"error": {"code": 409, "message": ["quota"]}}`),
			want: `malformed JSON error response: {"error": {"code": 409, "message": ["quota"]}}`,
		},
		"no error object": {
			status: 403, contentType: "", body: []byte(`{"message": "Forbidden"}`),
			want: `malformed JSON error response: {"message": "Forbidden"}`,
		},
		"empty": {
			status: 503, contentType: "application/json", body: nil,
			want: "Service Unavailable with an empty body",
		},
		"empty and unknown status": {
			status: 599, body: []byte("  \n"),
			want: "empty response",
		},
		"plain text": {
			status: 500, contentType: "text/plain", body: []byte("upstream\tconnect error\r\nor disconnect"),
			want: "unexpected text/plain response: upstream connect error or disconnect",
		},
		"no content type": {
			status: 500, body: []byte("\x00\xffoops"),
			want: "unexpected response without content type: oops",
		},
		"bad content type": {
			status: 500, contentType: "text/html;;;=", body: []byte("<b>x</b>"),
			want: "unexpected response without content type: <b>x</b>",
		},
		"huge": {
			status: 500, contentType: "text/html", body: bytes.Repeat([]byte("<p>x</p>"), maxBodyBytes/8+1),
			want: "error response larger than 4 MiB",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			apiErr := decodeError(t, tc.status, tc.contentType, tc.body)
			if apiErr.Code != "" || apiErr.Message != tc.want {
				t.Errorf("code %q message %q, want no code and %q", apiErr.Code, apiErr.Message, tc.want)
			}
		})
	}
}

func TestDecodeSuccessBodies(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		contentType string
		body        []byte
		want        string // "": decoded
	}{
		"object":         {contentType: "application/json", body: []byte(`{"amount": 1.5, "currency": "EUR", "bonus": {"x": 1}}`)},
		"no type":        {body: []byte(` {"amount": 1.5, "currency": "EUR"} `)},
		"wrong types":    {contentType: "application/json", body: []byte(`{"amount": "1.5", "currency": "EUR"}`), want: "GET /balance: 200 response (request id req_9): malformed body: json: cannot unmarshal string into Go struct field Balance.amount of type float64"},
		"truncated":      {contentType: "application/json", body: []byte(`{"amount": 1.5, "curr`), want: "GET /balance: 200 response (request id req_9): malformed body: unexpected end of JSON input"},
		"trailing data":  {contentType: "application/json", body: []byte(`{"amount": 1}{}`), want: "GET /balance: 200 response (request id req_9): malformed body: invalid character '{' after top-level value"},
		"null":           {contentType: "application/json", body: []byte(`null`), want: "GET /balance: 200 response (request id req_9): malformed body: not a JSON object"},
		"empty":          {contentType: "application/json", body: nil, want: "GET /balance: 200 response (request id req_9): malformed body: empty body"},
		"captive portal": {contentType: "text/html", body: []byte("<html>Sign in to the Wi-Fi</html>"), want: "GET /balance: 200 response (request id req_9): unexpected text/html content"},
		"huge":           {contentType: "application/json", body: append([]byte(`{"currency": "`), bytes.Repeat([]byte("E"), maxBodyBytes)...), want: "GET /balance: 200 response (request id req_9): the body is larger than 4 MiB"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var balance Balance
			err := decodeResponse("GET", "/balance", testResponse(200, tc.contentType, bytes.NewReader(tc.body)), maxBodyBytes, &balance)
			if tc.want == "" {
				if err != nil || balance != (Balance{Amount: 1.5, Currency: "EUR"}) {
					t.Errorf("balance %+v, err %v", balance, err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDecodeNeverQuotesASuccessBody(t *testing.T) {
	t.Parallel()
	const secret = "S3cr3tS3cr3tS3cr3t"
	err := decodeResponse("POST", "/api_keys", testResponse(201, "text/plain", strings.NewReader(`{"id": "ak_1", "secret": "`+secret)), maxBodyBytes, &APIKey{})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v, want an error without the secret", err)
	}
}

func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	body := io.MultiReader(strings.NewReader(`{"amount"`), iotestErrReader{})
	err := decodeResponse("GET", "/balance", testResponse(200, "application/json", body), maxBodyBytes, &Balance{})
	var netErr *networkError
	if !errors.As(err, &netErr) || err.Error() != "GET /balance: reading the response: connection reset" {
		t.Errorf("err = %v, want a network error that can be retried", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestSanitize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                       "",
		"  plain  ":              "plain",
		"a\r\nb\tc":              "a b c",
		"bell\a\x1b[0mend":       "bell [0mend",
		"bad \xff\xfe utf8":      "bad utf8",
		"rtl\u202eoverride":      "rtl override",
		"naïve café":             "naïve café",
		strings.Repeat("é", 150): strings.Repeat("é", 100) + "…",
	} {
		if got := sanitize(in, 100); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := sanitize(strings.Repeat("ab ", 1<<20), 10); got != "ab ab ab a…" {
		t.Errorf("sanitize of a long text = %q", got)
	}
}

// FuzzDecodeResponse reads with a limit of 4 KiB instead of 4 MiB: the
// path past the limit is the same, and reaching it stays cheap enough for
// the fuzzer to explore and minimise.
func FuzzDecodeResponse(f *testing.F) {
	const limit = 4 << 10
	proxyPage, err := os.ReadFile("testdata/bad_gateway.html")
	if err != nil {
		f.Fatal(err)
	}
	created, err := os.ReadFile("testdata/api_key_created.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct {
		status      int
		contentType string
		body        []byte
		repeat      uint16
	}{
		{201, "application/json", created, 1},
		{201, "application/json", created[:len(created)/2], 1},
		{200, "application/json", []byte(`{"id": 5, "length": "long", "valid_until": "yesterday", "permissions": {}}`), 1},
		{200, "application/json", []byte(`{"data": [{"id": "ak_1"}], "pagingMetadata": {"offset": "0", "has_more": 1}}`), 1},
		{200, "application/json", []byte(`null`), 1},
		{200, "", []byte(`[]`), 1},
		{200, "text/html", proxyPage, 1},
		{502, "text/html; charset=utf-8", proxyPage, 1},
		{404, "application/json", []byte(`{"error": {"code": "not_found", "message": "no such key"}}`), 1},
		{422, "application/json", []byte(`{"error": {"code": ["x"], "field": 1}}`), 1},
		{500, "application/json", []byte(`{"error": {"code": "internal", "mess`), 1},
		{429, "application/problem+json", []byte(`{"error": null}`), 1},
		{503, "", nil, 1},
		{302, "text/plain", []byte("moved"), 1},
		{-1, "\x00", []byte("\xff\xfe\x00"), 3},
		{200, "application/json", []byte(`{"label": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`), 43691},
		{500, "text/html", []byte("<p>proxy error</p>\n"), 65535},
	} {
		f.Add(seed.status, seed.contentType, seed.body, seed.repeat)
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, repeat uint16) {
		outs := []any{&APIKey{}, &keyPage{}, &Balance{}, nil}
		for _, out := range outs {
			resp := testResponse(status, contentType, &repeatReader{body: body, count: int(repeat)})
			err := decodeResponse("GET", "/api_keys", resp, limit, out)
			success := status >= 200 && status <= 299
			if err == nil {
				if !success {
					t.Fatalf("status %d decoded without an error", status)
				}
				continue
			}
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			if !utf8.ValidString(err.Error()) || strings.IndexFunc(err.Error(), func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }) >= 0 {
				t.Fatalf("message %q is not one printable line", err.Error())
			}
			var apiErr *APIError
			if isAPIErr := errors.As(err, &apiErr); isAPIErr == success {
				t.Fatalf("status %d gave %T %v", status, err, err)
			}
			if apiErr != nil && (apiErr.StatusCode != status || apiErr.Message == "") {
				t.Fatalf("APIError %+v for status %d", apiErr, status)
			}
		}
	})
}
