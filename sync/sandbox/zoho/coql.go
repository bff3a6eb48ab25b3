package zoho

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The Query API, POST /crm/v8/coql (crm-oas v8.0/coql/operations/
// executeCOQLQuery, and the Query API overview and limitations pages). It
// reads the records themselves, not the search index: "To fetch records
// without delay, use the Query API" (searchRecords.md), so
// Options.SearchIndexDelay does not hide anything from it.
//
// Served: select <fields> from <module> [where <criteria>] [limit n [offset m]],
// criteria of field = 'v', field != 'v', field in ('a', …), field not in (…),
// field is [not] null, joined by and/or in brackets, each value of the kind
// the field's type takes (coql_literals.go). The rest of COQL (like,
// comparisons, joins, aggregates, order by) is answered as a query the sandbox
// does not serve: SYNTAX_ERROR "given coql query not supported". Converted
// leads are queried like the others [unverified: the docs do not say].
const (
	coqlMaxColumns  = 50     // "up to 50 field API names in the SELECT column"
	coqlMaxCriteria = 25     // "up to 25 criteria in this clause"
	coqlMaxIn       = 50     // "in (up to 50 values)" (limitations page)
	coqlMaxLimit    = 2000   // "Each API call can retrieve a maximum of 2,000 records"
	coqlReach       = 100000 // "fetch up to 1,00,000 records using pagination with LIMIT and OFFSET" (v8)
	coqlDefault     = 200    // "The default value for LIMIT is 200"
)

// coqlQuery is a parsed select.
type coqlQuery struct {
	module        *moduleDef
	columns       []string
	where         *node // nil: every record
	limit, offset int
}

// coqlCredits prices a query by its LIMIT: 1-200 one credit, 201-1000 two,
// 1001-2000 three (Query API overview). The body is put back for the handler.
func coqlCredits(r *http.Request) int {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	var in struct {
		Query string `json:"select_query"`
	}
	if json.Unmarshal(b, &in) != nil {
		return 1
	}
	toks, _ := coqlTokens(in.Query)
	for i, t := range toks {
		if strings.EqualFold(t.text, "limit") && !t.quoted && i+1 < len(toks) {
			n, _ := strconv.Atoi(toks[i+1].text)
			switch {
			case n > 1000:
				return 3
			case n > 200:
				return 2
			}
		}
	}
	return 1
}

// handleCOQL serves POST /crm/v8/coql: 200 with data and info (count,
// more_records), 204 when nothing matches, 400 with the spec's error bodies.
func (s *Sim) handleCOQL(w http.ResponseWriter, r *http.Request, _ *moduleDef) {
	var in struct {
		Query *string `json:"select_query"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Query == nil {
		writeErr(w, badRequest("MANDATORY_NOT_FOUND", "mandatory key not found", map[string]any{"api_name": "select_query"}))
		return
	}
	q, e := s.parseCOQL(*in.Query)
	if e != nil {
		writeErr(w, e)
		return
	}
	// The module's own READ scope is needed too ("User must have the scopes
	// required to access the base module").
	if token := bearer(r); !s.oauth.allows(token, need{area: "modules", op: opRead}, q.module) {
		writeErr(w, &zerr{status: http.StatusUnauthorized, code: "OAUTH_SCOPE_MISMATCH", message: "invalid oauth scope to access this URL"})
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var data []any
	seen, more := 0, false
	// Ascending id unless ordered ("sorts the records in ascending order
	// based on the record ID").
	for _, rec := range q.module.st.recs {
		if rec.deleted || q.where != nil && !q.where.eval(s, q.module, rec) {
			continue
		}
		if seen++; seen <= q.offset {
			continue
		}
		if len(data) == q.limit {
			more = true
			break
		}
		data = append(data, s.renderColumns(q.module, rec, q.columns))
	}
	if len(data) == 0 {
		writeNoContent(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "info": map[string]any{"count": len(data), "more_records": more}})
}

// renderColumns is one COQL row: the selected fields and the id, nothing
// else (crm-oas v8.0 executeCOQLQuery: "select Last_Name from Leads …"
// answers {"Last_Name", "id"}), so not a Get Records row, which adds a lead's
// $converted. A multi-module lookup keeps its $se_module beside it
// [unverified: the COQL docs show no such field].
func (s *Sim) renderColumns(m *moduleDef, r *record, columns []string) map[string]any {
	out := map[string]any{"id": idString(r.id)}
	for _, name := range columns {
		if fd := m.field(name); fd != nil {
			s.putField(out, m, fd, r)
		}
	}
	return out
}

// bearer is the request's access token.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if i := strings.IndexByte(h, ' '); i >= 0 {
		return strings.TrimSpace(h[i+1:])
	}
	return ""
}

func errCOQLSyntax(near string) *zerr {
	return badRequest("SYNTAX_ERROR", "error occured while parsing the query", map[string]any{"near": near})
}

func errCOQLUnsupported() *zerr {
	return badRequest("SYNTAX_ERROR", "given coql query not supported", map[string]any{})
}

// coqlToken is one word, symbol or quoted value of a query.
type coqlToken struct {
	text   string
	quoted bool
}

// coqlTokens splits a query. Within quotes a quote is written twice:
// "escape the single quote in the value by adding another single quote"
// (Zoho's COQL FAQ, Kaizen #171); a backslash is a plain character there
// [unverified: the FAQ names no other escape].
func coqlTokens(src string) ([]coqlToken, *zerr) {
	var out []coqlToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			closed := false
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
					} else {
						closed = true
						break
					}
				}
				b.WriteByte(src[i])
			}
			if !closed {
				return nil, errCOQLSyntax(src[len(src)-min(len(src), 20):])
			}
			i++
			out = append(out, coqlToken{text: b.String(), quoted: true})
		case strings.ContainsRune("(),=", rune(c)):
			out = append(out, coqlToken{text: string(c)})
			i++
		case c == '!' || c == '<' || c == '>':
			j := i + 1
			if j < len(src) && src[j] == '=' {
				j++
			}
			out = append(out, coqlToken{text: src[i:j]})
			i = j
		default:
			j := i
			for j < len(src) && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])) || strings.ContainsRune("_.$-", rune(src[j]))) {
				j++
			}
			if j == i {
				return nil, errCOQLSyntax(src[i:min(len(src), i+20)])
			}
			out = append(out, coqlToken{text: src[i:j]})
			i = j
		}
	}
	return out, nil
}

// SetSearchIndexDelay hides records written less than d ago from the search
// API, as Zoho's indexing delay does ("When you create or edit a record and
// search for it immediately, you may receive a 204 NO CONTENT response due
// to indexing delays", searchRecords.md); the Query API still sees them.
func (s *Sim) SetSearchIndexDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.SearchIndexDelay = d
}
