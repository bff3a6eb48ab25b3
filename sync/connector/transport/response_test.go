package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/crmsync/crmsync/sync/connector"
)

// fetch serves one answer over real HTTP and reads it with o.
func fetch(t *testing.T, status int, ctype, body string, o ReadOptions) (*Response, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		} else {
			w.Header()["Content-Type"] = nil // no sniffed type
		}
		w.Header().Set("X-Rate", "7")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return ReadResponse(resp, o)
}

// wantErr checks err is a CatServer *connector.Error carrying the
// vendor, endpoint and status, with exactly msg.
func wantErr(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var ce *connector.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want a *connector.Error", err, err)
	}
	if ce.Vendor != "acme" || ce.Endpoint != "GET /v1/things" || ce.Status != status || ce.Category != connector.CatServer {
		t.Errorf("error = %+v, want vendor acme, endpoint GET /v1/things, status %d, CatServer", ce, status)
	}
	if ce.Message != msg {
		t.Errorf("message = %q, want %q", ce.Message, msg)
	}
}

func opts(o ReadOptions) ReadOptions {
	o.Vendor, o.Endpoint = "acme", "GET /v1/things"
	if o.Limit == 0 {
		o.Limit = 1 << 20
	}
	return o
}

func TestReadResponseLimit(t *testing.T) {
	var seen int
	o := opts(ReadOptions{Limit: 10, OnHeader: func(http.Header) { seen++ }})
	r, err := fetch(t, 200, "application/json", `"12345678"`, o) // exactly 10 bytes
	if err != nil || string(r.Body) != `"12345678"` || r.Status != 200 {
		t.Fatalf("body at the limit: %+v, %v", r, err)
	}
	_, err = fetch(t, 200, "application/json", `"123456789"`, o)
	wantErr(t, err, 200, "response body larger than 10 bytes")
	if seen != 1 {
		t.Errorf("OnHeader ran %d times, want 1 (not for a body over the limit)", seen)
	}
}

func TestReadResponseReadError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"cut`)) // the connection closes 95 bytes short
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadResponse(resp, opts(ReadOptions{}))
	wantErr(t, err, http.StatusAccepted, "reading response body: unexpected EOF")
}

// A body read cut short by a cancelled context says so, and is known for
// a cancellation (errors.Is), so the engine reports the failure that
// cancelled it rather than this read.
func TestReadResponseCancelled(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(iotest.ErrReader(context.Canceled))}
	_, err := ReadResponse(resp, opts(ReadOptions{}))
	wantErr(t, err, http.StatusOK, "reading response body: context canceled")
	if !errors.Is(err, context.Canceled) || connector.CategoryOf(err) != connector.CatServer {
		t.Errorf("a cancelled read: %v (category %s); want errors.Is context.Canceled, a server error", err, connector.CategoryOf(err))
	}
}

func TestReadResponseMediaType(t *testing.T) {
	html := "<html>busy</html>"
	n := strconv.Itoa(len(html))
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		o      ReadOptions
		err    string // "" = accepted
	}{
		{"json", 200, "application/json; charset=utf-8", `{}`, ReadOptions{}, ""},
		{"problem+json", 400, "application/problem+json", `{}`, ReadOptions{}, ""},
		{"no type", 200, "", `{}`, ReadOptions{}, ""},
		{"empty body", 204, "text/html", ``, ReadOptions{}, ""},
		{"html", 200, "text/html", html, ReadOptions{}, "unexpected text/html response (" + n + " bytes), not JSON"},
		{"html error page", 502, "text/html", html, ReadOptions{}, "unexpected text/html response (" + n + " bytes), not JSON"},
		{"html error page, success only", 502, "text/html", html, ReadOptions{SuccessOnly: true}, ""},
		{"html 2xx, success only", 200, "text/html", html, ReadOptions{SuccessOnly: true}, "unexpected text/html response (" + n + " bytes), not JSON"},
		{"named json", 200, "text/html", html, ReadOptions{Type: "application/json"}, "unexpected text/html response (" + n + " bytes), not application/json"},
		{"named json takes +json", 200, "application/hal+json", `{}`, ReadOptions{Type: "application/json"}, ""},
		{"multipart", 200, "multipart/mixed; boundary=b", "--b--", ReadOptions{Type: "multipart/mixed"}, ""},
		{"json for multipart", 200, "application/json", `{}`, ReadOptions{Type: "multipart/mixed"}, "unexpected application/json response (2 bytes), not multipart/mixed"},
		{"unparsable type", 200, "/", `{}`, ReadOptions{}, "unexpected  response (2 bytes), not JSON"},
		{"unparsable type, lenient", 200, "/", `{}`, ReadOptions{LenientType: true}, ""},
		{"html, lenient", 200, "text/html", html, ReadOptions{LenientType: true}, "unexpected text/html response (" + n + " bytes), not JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rate string
			o := opts(tc.o)
			o.OnHeader = func(h http.Header) { rate = h.Get("X-Rate") }
			r, err := fetch(t, tc.status, tc.ctype, tc.body, o)
			if rate != "7" {
				t.Errorf("OnHeader saw X-Rate %q, want 7 (before the type check)", rate)
			}
			if tc.err != "" {
				wantErr(t, err, tc.status, tc.err)
				return
			}
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if string(r.Body) != tc.body || r.Status != tc.status || r.Header.Get("X-Rate") != "7" {
				t.Errorf("got status %d, body %q, header %v", r.Status, r.Body, r.Header)
			}
		})
	}
}

func TestResponseDecode(t *testing.T) {
	r, err := fetch(t, 201, "application/json", `{"id":42,"name":"Ada"}`, opts(ReadOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	if err := r.Decode(&v); err != nil || v.ID != 42 || v.Name != "Ada" {
		t.Fatalf("decode: %+v, %v", v, err)
	}

	r, err = fetch(t, 200, "application/json", `{"id":`, opts(ReadOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	err = r.Decode(&v)
	var ce *connector.Error
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Message, "malformed JSON response: ") {
		t.Fatalf("malformed body: %v", err)
	}
	wantErr(t, err, 200, "malformed JSON response: unexpected end of JSON input")

	wantErr(t, r.Fail("3 results for 2 records"), 200, "3 results for 2 records")
}

// TestResponseRelease: a pooled body goes back to its Bodies and is read
// into again; Body is gone afterwards.
func TestResponseRelease(t *testing.T) {
	b := NewBodies(1)
	r, err := fetch(t, 200, "application/json", `{"first":true}`, opts(ReadOptions{Bodies: b}))
	if err != nil {
		t.Fatal(err)
	}
	buf := r.buf
	r.Release()
	if r.Body != nil {
		t.Errorf("Body after Release = %q, want nil", r.Body)
	}
	r.Release() // twice is harmless
	r2, err := fetch(t, 200, "application/json", `[]`, opts(ReadOptions{Bodies: b}))
	if err != nil {
		t.Fatal(err)
	}
	if r2.buf != buf || string(r2.Body) != `[]` {
		t.Errorf("second read: buffer reused %v, body %q", r2.buf == buf, r2.Body)
	}
	// A rejected body hands its buffer back too.
	r2.Release()
	if _, err := fetch(t, 200, "text/plain", "nope", opts(ReadOptions{Bodies: b})); err == nil {
		t.Fatal("text/plain accepted")
	}
	r3, err := fetch(t, 200, "application/json", `1`, opts(ReadOptions{Bodies: b}))
	if err != nil || r3.buf != buf {
		t.Errorf("buffer of a rejected body was not handed back (%v)", err)
	}
}
