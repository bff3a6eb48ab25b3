package dynamics

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// $batch (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api):
// multipart/mixed parts of Content-Type application/http, each a full HTTP request;
// nested multipart/mixed change sets are atomic and may reference earlier creates as $n
// by Content-ID. "When an error occurs for a request within a batch, the error for that
// request will be returned for the batch request and more requests won't be processed"
// (the example answers the batch itself with the failing status, 400); with
// "Prefer: odata.continue-on-error" the batch is 200 OK and every part has its own status.
// "Batch requests can contain up to 1000 individual requests".
const maxBatchOps = 1000

type batchPart struct {
	contentID string
	raw       []byte
}

type batchItem struct {
	single    *batchPart
	changeset []*batchPart
}

func errBatchFormat(msg string) *apiError {
	return newErr(http.StatusBadRequest, codeODataGeneric, "%s", msg) // [unverified] wording
}

func readParts(r *multipart.Reader, nested bool) ([]batchItem, *apiError) {
	var items []batchItem
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, errBatchFormat("The batch request body is not a valid multipart/mixed message.")
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case mt == "multipart/mixed" && !nested && params["boundary"] != "":
			inner, perr := readParts(multipart.NewReader(p, params["boundary"]), true)
			if perr != nil {
				return nil, perr
			}
			cs := make([]*batchPart, 0, len(inner))
			for _, it := range inner {
				cs = append(cs, it.single)
			}
			items = append(items, batchItem{changeset: cs})
		case mt == "application/http":
			raw, _ := io.ReadAll(p)
			items = append(items, batchItem{single: &batchPart{contentID: p.Header.Get("Content-ID"), raw: raw}})
		default:
			return nil, errBatchFormat("The content type '" + p.Header.Get("Content-Type") + "' of a batch part is not supported; expected 'application/http'.")
		}
	}
}

// batch serves POST /api/data/v9.2/$batch; it returns the result and the number of
// operations run (for the execution-time limit).
func (s *Sim) batch(op *opReq, ctype string) (*opResult, int) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return errResult(errBatchFormat("The batch request must have a 'Content-Type' header of 'multipart/mixed' with a boundary.")), 1
	}
	items, perr := readParts(multipart.NewReader(bytes.NewReader(op.body), params["boundary"]), false)
	if perr != nil {
		return errResult(perr), 1
	}
	total := 0
	for _, it := range items {
		if it.single != nil {
			total++
		} else {
			if len(it.changeset) > maxBatchOps {
				// OData library message quoted by users of the service [unverified code].
				return errResult(newErr(http.StatusBadRequest, codeODataGeneric,
					"The current change set contains too many operations. Only change sets with a maximum number of '1000' operations are allowed.")), 1
			}
			total += len(it.changeset)
		}
	}
	if total > maxBatchOps {
		return errResult(newErr(http.StatusBadRequest, codeODataGeneric,
			"The current batch message contains too many parts. Only batch messages with a maximum number of '1000' query operations and change sets are allowed.")), 1 // [unverified code]
	}
	_, continueOnError := prefer(op.header)["odata.continue-on-error"]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary("batchresponse_" + randomGUID())
	status, ops := http.StatusOK, 0
	for _, it := range items {
		if it.single != nil {
			ops++
			res := s.batchOp(op, it.single, nil)
			writePart(mw, it.single.contentID, res)
			if res.failed() && !continueOnError {
				status = res.status
				break
			}
			continue
		}
		res, failed, n := s.changeset(op, it.changeset)
		ops += n
		// res.body holds the nested multipart; res.header its Content-Type.
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", res.header.Get("Content-Type"))
		pw, _ := mw.CreatePart(h)
		_, _ = pw.Write(res.body)
		if failed && !continueOnError {
			status = res.status
			break
		}
	}
	_ = mw.Close()
	out := newResult(status)
	out.header.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	if continueOnError {
		out.header.Set("Preference-Applied", "odata.continue-on-error") // [unverified]
	}
	out.body = buf.Bytes()
	return out, max(ops, 1)
}

// changeset runs a change set atomically under one write lock; on the first failure
// every completed operation is rolled back and the change set answers with the
// failure alone, still as a changesetresponse part with its Content-ID (a v9.2
// answer quoted in MicrosoftDocs/powerapps-docs#2843); res.status is then the
// failure's, for a batch that stops there.
func (s *Sim) changeset(op *opReq, parts []*batchPart) (res *opResult, failed bool, ops int) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary("changesetresponse_" + randomGUID())
	refs := map[string]string{}
	s.mu.Lock()
	defer s.mu.Unlock()
	var undo []func()
	for _, t := range s.tables {
		t.undo = &undo
	}
	defer func() {
		for _, t := range s.tables {
			t.undo = nil
		}
	}()
	for _, p := range parts {
		ops++
		r := s.batchOp(op, p, refs)
		if r.failed() {
			for _, t := range s.tables {
				t.undo = nil
			}
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
			buf.Reset()
			mw = multipart.NewWriter(&buf)
			_ = mw.SetBoundary("changesetresponse_" + randomGUID())
			writePart(mw, p.contentID, r)
			_ = mw.Close()
			out := newResult(r.status)
			out.header.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
			out.body = buf.Bytes()
			return out, true, ops
		}
		if p.contentID != "" {
			//lint:ignore SA1008 writeResult stores the header under the docs' exact casing
			if loc := r.header["OData-EntityId"]; len(loc) > 0 {
				refs["$"+p.contentID] = loc[0]
			}
		}
		writePart(mw, p.contentID, r)
	}
	_ = mw.Close()
	out := newResult(http.StatusOK)
	out.header.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	out.body = buf.Bytes()
	return out, false, ops
}

func writePart(mw *multipart.Writer, contentID string, res *opResult) {
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", "application/http")
	h.Set("Content-Transfer-Encoding", "binary")
	if contentID != "" {
		h.Set("Content-ID", contentID)
	}
	pw, _ := mw.CreatePart(h)
	resp := &http.Response{StatusCode: res.status, ProtoMajor: 1, ProtoMinor: 1, Header: res.header,
		Body: io.NopCloser(bytes.NewReader(res.body)), ContentLength: int64(len(res.body))}
	_ = resp.Write(pw)
}

// batchOp parses and runs one part. refs != nil means inside a change set (the caller
// holds the write lock); otherwise the operation takes its own lock.
func (s *Sim) batchOp(outer *opReq, p *batchPart, refs map[string]string) *opResult {
	inner, err := parsePartRequest(outer, p.raw, refs)
	if err != nil {
		return errResult(err)
	}
	if refs != nil && inner.method == http.MethodGet {
		return errResult(errBatchFormat("GET requests are not allowed in a change set.")) // docs: "GET request are not allowed within change sets" [wording unverified]
	}
	if inner.path == "$batch" {
		return errResult(errBatchFormat("Batch requests can't contain other batch requests.")) // [wording unverified]
	}
	rt, rerr := s.resolve(inner)
	if rerr != nil {
		s.stats.Inc("BATCH " + inner.method + " /api/data/v9.2/{unknown}")
		return errResult(rerr)
	}
	s.stats.Inc("BATCH " + rt.template)
	if refs != nil {
		if !rt.write {
			s.mu.Unlock()
			defer s.mu.Lock()
			return s.runLocked(rt, inner)
		}
		return rt.run(inner)
	}
	return s.runLocked(rt, inner)
}

// parsePartRequest reads "METHOD url HTTP/1.1", headers, a blank line and the JSON body.
// The URL may be absolute, "/api/data/v9.2/..." or relative to the service root, or a
// change-set reference "$1" (Content-ID); bodies may use "$1" in @odata.bind values.
func parsePartRequest(outer *opReq, raw []byte, refs map[string]string) (*opReq, *apiError) {
	raw = bytes.TrimLeft(raw, "\r\n")
	line, rest, ok := bytes.Cut(raw, []byte("\n"))
	if !ok {
		line, rest = raw, nil
	}
	f := strings.Fields(strings.TrimSpace(string(line)))
	if len(f) < 2 {
		return nil, errBatchFormat("The batch part does not contain a valid HTTP request line.")
	}
	method, target := f[0], f[1]
	if refs != nil && strings.HasPrefix(target, "$") {
		ref, tail, _ := strings.Cut(target, "/")
		loc, ok := refs[ref]
		if !ok {
			return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Content-ID Reference: '%s' does not exist in the batch context.", ref)
		}
		target = loc
		if tail != "" {
			target += "/" + tail
		}
	}
	head, body := splitHeadBody(rest)
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(head, '\r', '\n', '\r', '\n'))))
	mh, _ := tp.ReadMIMEHeader()
	u, err := url.Parse(target)
	if err != nil {
		return nil, errBatchFormat("The batch part's request URL is not valid.")
	}
	p := u.EscapedPath() // split into segments before a key is unescaped (resolve)
	if i := strings.Index(p, apiPath); i >= 0 {
		p = p[i+len(apiPath):]
	} else if strings.HasSuffix(p, "/api/data/v9.2") {
		p = ""
	} else {
		p = strings.TrimPrefix(p, "/")
	}
	for ref, loc := range refs {
		body = bytes.ReplaceAll(body, []byte(`"`+ref+`"`), []byte(`"`+loc+`"`))
	}
	return &opReq{method: method, path: p, rawQuery: u.RawQuery, query: u.Query(), header: http.Header(mh),
		body: body, base: outer.base, batched: true}, nil
}

func splitHeadBody(b []byte) (head, body []byte) {
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(b, []byte(sep)); i >= 0 {
			return bytes.TrimRight(b[:i], "\r\n"), bytes.TrimSpace(b[i+len(sep):])
		}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	return bytes.TrimRight(b, "\r\n"), nil
}
