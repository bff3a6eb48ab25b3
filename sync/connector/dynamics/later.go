package dynamics

import (
	"bytes"
	"fmt"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"github.com/crmsync/crmsync/sync/connector"
)

// createOp is a create: PATCH /tasks(<id>) with If-None-Match: * and the
// id made here. A column valid for an update but not for a create
// (statecode: IsValidForCreate false) is not taken by a create, which
// makes a row in state 0 and refuses a status reason of another state
// ("5 is not a valid status code for state code TaskState.Open",
// 0x80048408); such columns, with the status reason, go in a PATCH of the
// new row right after the create, in the same change set: Dataverse
// applies both or neither, and the pair answers as one operation.
func createOp(sc *schema, op connector.Op) (operation, string, *connector.RecordError) {
	first, then := op, connector.Op{Kind: connector.OpUpdate, ID: op.ID, Fields: map[string]string{}}
	for name := range op.Fields {
		if sc.later[name] {
			first.Fields = maps.Clone(op.Fields)
			break
		}
	}
	for name, v := range op.Fields {
		if !sc.later[name] {
			continue
		}
		delete(first.Fields, name)
		if v == "" || sc.types[name] == "State" && v == "0" {
			continue // a new row's default: state 0, with its status reasons
		}
		then.Fields[name] = v
		if sc.types[name] != "State" {
			continue
		}
		for status, typ := range sc.types {
			if sv := op.Fields[status]; typ == "Status" && sv != "" {
				then.Fields[status] = sv
				delete(first.Fields, status)
			}
		}
	}
	b, rerr := body(sc, first, "")
	if rerr != nil {
		return operation{}, "", rerr
	}
	id := newGUID()
	path := "/" + sc.Object + "(" + id + ")"
	create := operation{method: http.MethodPatch, path: path, header: http.Header{"If-None-Match": {"*"}}, body: b}
	closing, closes, rerr := closeAfterCreate(sc, then, id, path, op.Fields)
	if rerr != nil {
		return operation{}, "", rerr
	}
	if closes {
		// An opportunity created Won or Lost: its close action follows.
		create.then = closing
		return create, id, nil
	}
	if len(then.Fields) > 0 {
		tb, rerr := body(sc, then, "")
		if rerr != nil {
			return operation{}, "", rerr
		}
		create.then = &operation{method: http.MethodPatch, path: path, header: http.Header{"If-Match": {"*"}}, body: tb}
	}
	return create, id, nil
}

// writeRequest writes one request as an application/http part.
func (c *Connector) writeRequest(buf *bytes.Buffer, boundary string, op operation, contentID string) {
	fmt.Fprintf(buf, "--%s\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n", boundary)
	if contentID != "" {
		fmt.Fprintf(buf, "Content-ID: %s\r\n", contentID)
	}
	fmt.Fprintf(buf, "\r\n%s %s%s%s HTTP/1.1\r\n", op.method, c.base, apiRoot, op.path)
	if op.body != nil {
		buf.WriteString("Content-Type: application/json\r\n")
	}
	for _, k := range slices.Sorted(maps.Keys(op.header)) {
		for _, v := range op.header[k] {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	buf.WriteString("\r\n")
	if op.body != nil {
		buf.Write(op.body)
		buf.WriteString("\r\n")
	}
}

// writeOperation writes op, or op and the operations after it (its then
// chain) as a change set (a nested multipart/mixed part, each request
// with a Content-ID).
func (c *Connector) writeOperation(buf *bytes.Buffer, boundary string, op operation) {
	if op.then == nil {
		c.writeRequest(buf, boundary, op, "")
		return
	}
	cs := "changeset_" + newGUID()
	fmt.Fprintf(buf, "--%s\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n", boundary, cs)
	for n, next := 1, &op; next != nil; n, next = n+1, next.then {
		one := *next
		one.then = nil
		c.writeRequest(buf, cs, one, strconv.Itoa(n))
	}
	fmt.Fprintf(buf, "--%s--\r\n", cs)
}

// changesetAnswer reads a change set's answer, a nested multipart/mixed
// part: a response per request when all of them succeeded, the first (the
// create) answering for the operation; the refused request's response
// alone when one failed and Dataverse rolled the change set back.
func changesetAnswer(contentType string, raw []byte) (*outcome, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, fmt.Errorf("change set content type %q has no boundary", contentType)
	}
	part, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).NextPart()
	if err != nil {
		return nil, fmt.Errorf("change set: %w", err)
	}
	return readResponse(part)
}
