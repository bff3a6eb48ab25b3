package salesforce

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A lookup's SOQL travels in the URI of a GET, and Salesforce refuses a
// URI over 16,384 bytes (414 URI Too Long), or URI and headers together
// over it (431) (Salesforce Help, article 000386264). maxURI bounds the
// whole URL of one lookup, leaving the rest to the headers; its IN list is
// cut to fit after the SELECT list, which on an org's wide object (hundreds
// of custom fields) is most of it.
const (
	maxInValues = 200
	maxURI      = 14000
)

// Lookup finds records of object whose field equals one of values (SOQL
// IN). Values that cannot be a value of the field's type are skipped.
func (c *Conn) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	d, err := c.describe(ctx, object)
	if err != nil {
		return nil, err
	}
	f, ok := d.field(field)
	if !ok || skippedTypes[f.Type] {
		return nil, &connector.Error{Vendor: vendor, Endpoint: "lookup " + d.Name, Category: connector.CatValidation,
			Message: fmt.Sprintf("%s has no field %s", d.Name, field)}
	}
	var lits []string
	seen := map[string]bool{}
	for _, v := range values {
		lit, ok := soqlLiteral(f.Type, v)
		if ok && !seen[lit] {
			seen[lit] = true
			lits = append(lits, lit)
		}
	}
	if len(lits) == 0 {
		return nil, nil
	}
	base, err := c.dataURL(ctx, "/query", nil)
	if err != nil {
		return nil, err
	}
	// The URL is base?q=<head><values joined by ","><tail>, each part
	// query-escaped on its own (url.Values escapes character by character).
	fields := d.readable()
	head := func() string {
		return "SELECT " + strings.Join(fields, ", ") + " FROM " + d.Name + " WHERE " + f.Name + " IN ("
	}
	const tail = ") ORDER BY Id"
	fixed := len(base) + len("?q=") + len(url.QueryEscape(head())) + len(url.QueryEscape(tail))
	if fixed > maxURI/2 {
		// Every field would leave too few values per call: select what a
		// lookup is for, the records' ids, the field and the markers.
		fields = lookupFields(d, f.Name)
		fixed = len(base) + len("?q=") + len(url.QueryEscape(head())) + len(url.QueryEscape(tail))
	}
	var out []connector.Record
	for len(lits) > 0 {
		n, size := 0, fixed
		for n < len(lits) && n < maxInValues {
			add := len(url.QueryEscape(lits[n])) + len("%2C")
			if n > 0 && size+add > maxURI {
				break
			}
			size += add
			n++
		}
		chunk := lits[:n]
		lits = lits[n:]
		soql := head() + strings.Join(chunk, ",") + tail
		next := base + "?" + url.Values{"q": {soql}}.Encode()
		for next != "" {
			var qr queryResult
			if err := c.call(ctx, "GET", next, nil, &qr, ""); err != nil {
				return nil, err
			}
			for _, raw := range qr.Records {
				rec, err := toRecord(d, raw)
				if err != nil {
					return nil, err
				}
				out = append(out, rec)
			}
			next = ""
			if !qr.Done && qr.NextRecordsURL != "" {
				next = c.abs(qr.NextRecordsURL)
			}
		}
	}
	if err := c.personNoteParents(ctx, d, out); err != nil {
		return nil, err
	}
	return out, nil
}

// lookupFields is the narrow SELECT list of a lookup by field on an
// object too wide to read whole in one GET.
func lookupFields(d *describeResult, field string) []string {
	out := []string{"Id", "SystemModstamp"}
	for _, name := range []string{"IsDeleted", "MasterRecordId", "LastModifiedDate", field} {
		if _, ok := d.field(name); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// soqlLiteral renders v as a SOQL literal for a field of type typ, or false
// when v cannot be such a value.
func soqlLiteral(typ, v string) (string, bool) {
	switch typ {
	case "double", "currency", "int", "percent", "long":
		n, err := plainNumber(strings.TrimSpace(v))
		return n, err == nil && v != ""
	case "boolean":
		switch strings.ToLower(v) {
		case "true", "false":
			return strings.ToLower(v), true
		}
		return "", false
	case "date":
		_, err := time.Parse(time.DateOnly, v)
		return v, err == nil
	case "datetime":
		t, err := parseSFTime(v)
		if err != nil {
			return "", false
		}
		return t.Format("2006-01-02T15:04:05Z"), true
	case "id", "reference":
		return "'" + v + "'", validID(v)
	}
	return quote(v), true
}

// quote makes a SOQL string literal, escaping as the SOQL reference says:
// backslash, both quotes and the control characters \n \r \t \b \f.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// Associate links an activity (Task, Event) to a person (Contact, Lead:
// WhoId) or to anything else (Account, Opportunity: WhatId), a Contact or
// Opportunity to its Account (AccountId), or a custom object's record
// through its one lookup field to toObject (Project__c's Contact__c), by
// patching the "from" record.
func (c *Conn) Associate(ctx context.Context, fromObject, fromID, toObject, toID string) error {
	var field string
	switch {
	case fromObject == "Task" || fromObject == "Event":
		if toObject == "Contact" || toObject == "Lead" {
			field = "WhoId"
		} else {
			field = "WhatId"
		}
	case (fromObject == "Contact" || fromObject == "Opportunity") && toObject == "Account":
		field = "AccountId"
	case strings.HasSuffix(fromObject, "__c"):
		var err error
		if field, err = c.lookupTo(ctx, fromObject, toObject); err != nil {
			return err
		}
	default:
		return &connector.Error{Vendor: vendor, Endpoint: "associate", Category: connector.CatValidation,
			Message: fmt.Sprintf("cannot link %s to %s", fromObject, toObject)}
	}
	if !validID(fromID) || !validID(toID) {
		return &connector.Error{Vendor: vendor, Endpoint: "associate", Category: connector.CatValidation,
			Message: fmt.Sprintf("malformed id %q or %q", fromID, toID)}
	}
	u, err := c.dataURL(ctx, "/sobjects/"+fromObject+"/"+fromID, nil)
	if err != nil {
		return err
	}
	return c.call(ctx, "PATCH", u, map[string]string{field: toID}, nil, "")
}

// lookupTo names the one updateable lookup field of a custom object that
// points at toObject, from its describe. A describe cached before the
// connector kept referenceTo names none, so that one is asked again.
func (c *Conn) lookupTo(ctx context.Context, object, toObject string) (string, error) {
	d, err := c.describe(ctx, object)
	if err != nil {
		return "", err
	}
	find := func(d *describeResult) []string {
		var out []string
		for _, f := range d.Fields {
			if f.Type == "reference" && f.Updateable && slices.Contains(f.ReferenceTo, toObject) {
				out = append(out, f.Name)
			}
		}
		return out
	}
	names := find(d)
	if len(names) == 0 && d.stale != nil {
		if d, err = c.fetchDescribe(ctx, object, nil); err != nil {
			return "", err
		}
		names = find(d)
	}
	switch len(names) {
	case 1:
		return names[0], nil
	case 0:
		return "", &connector.Error{Vendor: vendor, Endpoint: "associate", Category: connector.CatValidation,
			Message: fmt.Sprintf("cannot link %s to %s: it has no lookup field to %s", d.Name, toObject, toObject)}
	}
	return "", &connector.Error{Vendor: vendor, Endpoint: "associate", Category: connector.CatValidation,
		Message: fmt.Sprintf("cannot link %s to %s: it has several lookup fields to %s (%s)", d.Name, toObject, toObject, strings.Join(names, ", "))}
}
