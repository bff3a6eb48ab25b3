package dynamics

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector/transport"
)

// operation is one request inside a $batch.
type operation struct {
	method string
	path   string // below apiRoot, e.g. /contacts(<guid>)
	header http.Header
	body   []byte // JSON; nil = none
	// then is a request sent with this one in a change set, after it
	// (createOp, an opportunity's close: opportunityclose.go), itself
	// possibly followed by another; the chain answers as this one.
	then *operation
}

// outcome is one operation's answer.
type outcome struct {
	status int
	header http.Header
	body   []byte
}

// errNotRun marks an operation the batch's answer has no part for.
var errNotRun = errors.New("the batch's answer has no part for this operation")

// batch sends ops as one $batch request with odata.continue-on-error, so
// every operation runs and answers for itself, and returns one outcome per
// operation, in order. An operation without a part in the answer gets a
// nil outcome. A failure of the batch as a whole is a *connector.Error
// (or the transport's error).
func (c *Connector) batch(ctx context.Context, ops []operation) ([]*outcome, error) {
	boundary := "batch_" + newGUID()
	var buf bytes.Buffer
	for _, op := range ops {
		c.writeOperation(&buf, boundary, op)
	}
	fmt.Fprintf(&buf, "--%s--\r\n", boundary)
	raw := buf.Bytes()
	req, err := transport.JSONRequest(ctx, http.MethodPost, c.base+apiRoot+"/$batch", raw)
	if err != nil {
		return nil, fmt.Errorf("dynamics: POST %s/$batch: %w", apiRoot, err)
	}
	req.Header.Set("Content-Type", "multipart/mixed; boundary="+boundary)
	req.Header.Set("Prefer", "odata.continue-on-error")
	odataHeaders(req.Header)
	r, err := c.do(ctx, req, "multipart/mixed")
	if err != nil {
		return nil, err
	}
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	out, err := parseBatch(r.Header.Get("Content-Type"), r.Body, len(ops))
	if err != nil {
		return nil, r.Fail("unreadable $batch answer: " + err.Error())
	}
	return out, nil
}

// parseBatch reads a multipart/mixed $batch answer: one application/http
// part per operation, each an HTTP response.
func parseBatch(contentType string, body []byte, n int) ([]*outcome, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return nil, fmt.Errorf("content type %q is not multipart/mixed with a boundary", contentType)
	}
	out := make([]*outcome, n)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		if i >= n {
			return nil, fmt.Errorf("%d parts for %d operations", i+1, n)
		}
		ct := part.Header.Get("Content-Type")
		pt, _, _ := mime.ParseMediaType(ct)
		var o *outcome
		switch pt {
		case "application/http":
			o, err = readResponse(part)
		case "multipart/mixed":
			// A change set: every response when it succeeded; when it
			// failed, the refused request's response alone, nested the
			// same way (a v9.2 answer in MicrosoftDocs/powerapps-docs#2843).
			var raw []byte
			if raw, err = io.ReadAll(part); err == nil {
				o, err = changesetAnswer(ct, raw)
			}
		default:
			return nil, fmt.Errorf("part %d is %q, not application/http", i+1, pt)
		}
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		out[i] = o
	}
}

// readResponse reads one application/http part: an HTTP response.
func readResponse(part io.Reader) (*outcome, error) {
	raw, err := io.ReadAll(part)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(raw, []byte("\r\n\r\n")) && !bytes.Contains(raw, []byte("\n\n")) {
		// A bodiless response whose blank line the part's closing
		// CRLF took.
		raw = append(raw, "\r\n"...)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return &outcome{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// entityID reads the record id from an OData-EntityId header:
// https://org/api/data/v9.2/contacts(<guid>).
func entityID(h http.Header) string {
	v := h.Get("OData-EntityId")
	open, close := strings.LastIndexByte(v, '('), strings.LastIndexByte(v, ')')
	if open < 0 || close < open {
		return ""
	}
	id := v[open+1 : close]
	if strings.ContainsAny(id, "='") {
		return "" // an alternate key, not the id
	}
	return id
}

// newGUID is a random (version 4) GUID, lower case as Dataverse writes
// them.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
