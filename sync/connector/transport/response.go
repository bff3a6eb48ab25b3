package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Response is an HTTP response read whole and bounded; its status and
// body are the connector's to judge.
type Response struct {
	Vendor   string
	Endpoint string // "POST /crm/v8/Contacts", no ids or query
	Status   int
	Header   http.Header
	Body     []byte

	buf    *bytes.Buffer // holds Body when it came from bodies
	bodies *Bodies
}

// ReadOptions says how ReadResponse reads and checks one body.
type ReadOptions struct {
	Vendor, Endpoint string
	// Limit is the largest body accepted.
	Limit int64
	// Bodies, when set, lends the buffer the body is read into; hand it
	// back with Release.
	Bodies *Bodies
	// Type is the media type a non-empty body must have. "" means JSON
	// (application/json or any +json); "application/json" accepts +json
	// too but names itself in the error.
	Type string
	// SuccessOnly checks the type of 2xx answers only, leaving an error
	// page for the connector's own error reading.
	SuccessOnly bool
	// LenientType lets through a Content-Type that does not parse.
	LenientType bool
	// OnHeader sees the headers once the body is in, before the type
	// check, so a vendor's rate headers count even on a rejected body.
	OnHeader func(http.Header)
}

// ReadResponse reads and closes resp.Body. Only a failed read, a body over
// the limit or one of the wrong media type is an error, a CatServer
// *connector.Error naming the vendor, endpoint and status.
func ReadResponse(resp *http.Response, o ReadOptions) (*Response, error) {
	defer resp.Body.Close()
	r := &Response{Vendor: o.Vendor, Endpoint: o.Endpoint, Status: resp.StatusCode, Header: resp.Header, bodies: o.Bodies}
	buf, err := o.Bodies.Read(resp.Body, o.Limit+1)
	if err != nil {
		o.Bodies.Put(buf)
		e := r.Fail("reading response body: " + err.Error())
		e.Cause = err
		return nil, e
	}
	r.Body, r.buf = buf.Bytes(), buf
	if int64(len(r.Body)) > o.Limit {
		r.Release()
		return nil, r.Fail(fmt.Sprintf("response body larger than %d bytes", o.Limit))
	}
	if o.OnHeader != nil {
		o.OnHeader(resp.Header)
	}
	if ct := resp.Header.Get("Content-Type"); len(r.Body) > 0 && ct != "" && (!o.SuccessOnly || r.Status < 300) {
		mt, _, _ := mime.ParseMediaType(ct)
		if !(o.LenientType && mt == "") && !o.typeOK(mt) {
			want := o.Type
			if want == "" {
				want = "JSON"
			}
			n := len(r.Body)
			r.Release()
			return nil, r.Fail(fmt.Sprintf("unexpected %s response (%d bytes), not %s", mt, n, want))
		}
	}
	return r, nil
}

func (o ReadOptions) typeOK(mt string) bool {
	if o.Type == "" || o.Type == "application/json" {
		return mt == "application/json" || strings.HasSuffix(mt, "+json")
	}
	return mt == o.Type
}

// Decode parses the body into out; malformed or truncated JSON is the
// vendor's fault, so a CatServer error.
func (r *Response) Decode(out any) error {
	if err := json.Unmarshal(r.Body, out); err != nil {
		return r.Fail("malformed JSON response: " + err.Error())
	}
	return nil
}

// Fail is a CatServer error about this response.
func (r *Response) Fail(msg string) *connector.Error {
	return &connector.Error{Vendor: r.Vendor, Endpoint: r.Endpoint, Status: r.Status, Category: connector.CatServer, Message: msg}
}

// Release hands a borrowed buffer back to its Bodies; Body is nil
// afterwards. Call it only once nothing refers to Body's bytes.
func (r *Response) Release() {
	if r == nil || r.buf == nil {
		return
	}
	r.bodies.Put(r.buf)
	r.Body, r.buf = nil, nil
}
