package dynamics

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// opReq is one Web API operation, from the wire or from a $batch part.
type opReq struct {
	method   string
	path     string // resource path after /api/data/v9.2/
	rawQuery string
	query    url.Values
	header   http.Header
	body     []byte
	base     string // organization URL as the client sees it
	batched  bool   // inside a $batch: creates also answer Location
}

// route is a resolved operation: its stats template, whether it writes, and its handler,
// which runs with s.mu held (read or write lock as write says).
type route struct {
	template string
	write    bool
	run      func(op *opReq) *opResult
}

const maxBody = 16 << 20

// serveAPI applies, in order: stats, authentication, the concurrency and service
// protection limits, injected latency and faults, the operation, then charges the
// request and its execution time.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	// The path stays escaped until its segments are split: a key value may
	// hold an escaped "/" (contacts(emailaddress1='x%2Fy%40example.com')).
	op := &opReq{method: r.Method, path: strings.TrimPrefix(strings.TrimPrefix(r.URL.EscapedPath(), "/api/data/v9.2"), "/"),
		rawQuery: r.URL.RawQuery, query: r.URL.Query(), header: r.Header, body: body, base: s.baseURL(r)}
	isBatch := op.path == "$batch"
	var rt *route
	var rerr *apiError
	if isBatch {
		s.stats.Inc(r.Method + " /api/data/v9.2/$batch")
	} else {
		rt, rerr = s.resolve(op)
		if rt != nil {
			s.stats.Inc(rt.template)
		} else {
			s.stats.Inc(r.Method + " /api/data/v9.2/{unknown}")
		}
	}
	if !s.authenticate(w, r) {
		return
	}
	release, lerr := s.limits.admit()
	if lerr != nil {
		s.limits.headers(w.Header())
		errResult(lerr).write(w)
		return
	}
	defer release()
	fault, latency := s.faults.Draw()
	simkit.Sleep(r.Context().Done(), latency)
	switch fault {
	case simkit.FaultRateLimit:
		e := errRequestsLimit(1)
		s.limits.headers(w.Header())
		errResult(e).write(w)
		return
	case simkit.FaultServerError:
		errResult(newErr(http.StatusServiceUnavailable, codeUnexpected, "An unexpected error occurred.")).write(w) // [unverified]
		return
	}
	var res *opResult
	ops := 1
	switch {
	case isBatch && r.Method != http.MethodPost:
		res = errResult(newErr(http.StatusMethodNotAllowed, "", "The requested resource does not support http method '%s'.", r.Method))
	case isBatch:
		res, ops = s.batch(op, r.Header.Get("Content-Type"))
	case rerr != nil:
		res = errResult(rerr)
	default:
		res = s.runLocked(rt, op)
	}
	s.limits.charge(ops)
	s.limits.headers(res.header)
	res.write(w)
}

func (s *Sim) runLocked(rt *route, op *opReq) *opResult {
	if rt.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	return rt.run(op)
}

// authenticate accepts "Authorization: Bearer <token>". Without a valid token Dataverse
// answers 401 with "WWW-Authenticate: Bearer authorization_uri=..., resource_id=..."
// naming the identity platform to use (https://learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth)
// [unverified: the empty body].
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request) bool {
	if s.auth.Check(simkit.BearerToken(r)) == simkit.TokenValid {
		return true
	}
	w.Header().Set("WWW-Authenticate", "Bearer authorization_uri="+s.baseURL(r)+"/"+s.opts.TenantID+
		"/oauth2/authorize, resource_id="+s.orgURL(r)+"/")
	w.WriteHeader(http.StatusUnauthorized)
	return false
}

// resolve maps an operation to its handler. Unknown entity sets are "Resource not found
// for the segment" 404s, a wrong method on WhoAmI is "No HTTP resource was found that
// matches the request URI" (web-api-client-errors troubleshooting page).
func (s *Sim) resolve(op *opReq) (*route, *apiError) {
	const v = "/api/data/v9.2/"
	m := op.method
	p := op.path
	if p == "" {
		if m != http.MethodGet {
			return nil, errNoResource(op)
		}
		return &route{template: "GET " + v, run: s.serviceDocument}, nil
	}
	if p == "WhoAmI" || p == "WhoAmI()" {
		if m != http.MethodGet {
			return nil, errNoResource(op)
		}
		return &route{template: "GET " + v + "WhoAmI", run: s.whoAmI}, nil
	}
	if p == "organizations" {
		if m != http.MethodGet {
			return nil, errMethod(m)
		}
		return &route{template: "GET " + v + "organizations", run: s.organizations}, nil
	}
	if strings.HasPrefix(p, "EntityDefinitions") {
		if m != http.MethodGet {
			return nil, errMethod(m)
		}
		return s.resolveMetadata(op)
	}
	if p == winOpportunityAction || p == loseOpportunityAction {
		return s.resolveCloseAction(p, m) // opportunityclose.go
	}
	seg, rest, _ := strings.Cut(p, "/")
	name, key, hasKey := strings.Cut(seg, "(")
	t := s.tables[name]
	if _, deleted := s.deletedTables.Load(name); t == nil || deleted {
		return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", name)
	}
	if t.def.readOnlyAPI && m != http.MethodGet {
		return nil, errReadOnlyTable(t.def)
	}
	if t.def.readOnlyAPI && t.def.set == "systemusers" && s.denyUsers.Load() {
		tmpl := "GET " + v + name
		if hasKey {
			tmpl += "({id})"
		}
		return &route{template: tmpl, run: func(*opReq) *opResult { return errResult(s.errNoUserRead()) }}, nil
	}
	if rest != "" && !hasKey {
		// Property paths (contacts(id)/firstname) and navigation are not simulated [unverified].
		return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", rest)
	}
	if !hasKey {
		switch m {
		case http.MethodGet:
			return &route{template: "GET " + v + name, run: func(op *opReq) *opResult { return s.list(t, op) }}, nil
		case http.MethodPost:
			return &route{template: "POST " + v + name, write: true, run: func(op *opReq) *opResult { return s.create(t, op) }}, nil
		}
		return nil, errMethod(m)
	}
	if !strings.HasSuffix(key, ")") {
		return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	rawKey, uerr := url.PathUnescape(strings.TrimSuffix(key, ")"))
	if uerr != nil {
		return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	k, kerr := s.parseKey(t, rawKey)
	if kerr != nil {
		return nil, kerr
	}
	if rest != "" {
		return s.resolveBoundAction(t, k, rest, m) // lead.go
	}
	tmpl := v + name + "({id})"
	if k.alt != nil {
		tmpl = v + name + "({key})"
	}
	switch m {
	case http.MethodGet:
		return &route{template: "GET " + tmpl, run: func(op *opReq) *opResult { return s.retrieve(t, k, op) }}, nil
	case http.MethodPatch:
		return &route{template: "PATCH " + tmpl, write: true, run: func(op *opReq) *opResult { return s.upsert(t, k, op) }}, nil
	case http.MethodDelete:
		return &route{template: "DELETE " + tmpl, write: true, run: func(op *opReq) *opResult { return s.deleteOp(t, k, op) }}, nil
	}
	return nil, errMethod(m)
}

func errNoResource(op *opReq) *apiError {
	return newErr(http.StatusNotFound, "", "No HTTP resource was found that matches the request URI '%s'.", op.base+apiPath+op.path)
}

// errMethod is the 405 of ASP.NET Web API [unverified for Dataverse].
func errMethod(m string) *apiError {
	return newErr(http.StatusMethodNotAllowed, "", "The requested resource does not support http method '%s'.", m)
}

func (s *Sim) serviceDocument(op *opReq) *opResult {
	var sets []any
	for _, set := range sortedSets(s.tables) {
		sets = append(sets, map[string]any{"name": set, "kind": "EntitySet", "url": set})
	}
	return jsonResult(http.StatusOK, map[string]any{"@odata.context": op.base + apiPath + "$metadata", "value": sets})
}

// whoAmI is the WhoAmI function (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/whoami).
func (s *Sim) whoAmI(op *opReq) *opResult {
	return jsonResult(http.StatusOK, map[string]any{
		"@odata.context": op.base + apiPath + "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
		"BusinessUnitId": s.buID, "UserId": s.userID, "OrganizationId": s.orgID})
}

// rowKey addresses one row: by primary key or by alternate key values.
type rowKey struct {
	id     string
	alt    *altKey
	values map[string]any // alternate key: logical name -> typed value
}

// parseKey reads "<guid>" or "name='v',name2=v2" (https://learn.microsoft.com/power-apps/developer/data-platform/use-alternate-key-reference-record).
func (s *Sim) parseKey(t *table, raw string) (*rowKey, *apiError) {
	raw = strings.TrimSpace(raw)
	if reGUID.MatchString(raw) {
		return &rowKey{id: strings.ToLower(raw)}, nil
	}
	pairs, err := splitKeyPairs(raw)
	if err != nil || len(pairs) == 0 {
		return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	vals := map[string]any{}
	var names []string
	for _, p := range pairs {
		if p[0] == t.def.primaryID && len(pairs) == 1 && reGUID.MatchString(p[1]) {
			return &rowKey{id: strings.ToLower(p[1])}, nil
		}
		a := t.def.byProp[p[0]]
		if a == nil {
			return nil, errNoProperty(t.def, p[0])
		}
		v, e := parseTypedString(a, p[1])
		if e != nil {
			return nil, e
		}
		vals[a.name] = v
		names = append(names, a.name)
	}
	for _, k := range t.keys {
		if sameSet(k.attrs, names) {
			return &rowKey{alt: k, values: vals}, nil
		}
	}
	// No alternate key is defined on these columns: the message of "Use an
	// alternate key to reference a record" [unverified code].
	return nil, newErr(http.StatusBadRequest, codeQueryUnsupported,
		"The key in the request URI is not valid for resource '%[1]s'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '%[1]s'.",
		t.def.typeName())
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// splitKeyPairs splits name='value',name=value with ” escapes.
func splitKeyPairs(s string) ([][2]string, error) {
	var out [][2]string
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, errSyntax
		}
		name := strings.TrimSpace(s[:eq])
		s = strings.TrimSpace(s[eq+1:])
		var val string
		if strings.HasPrefix(s, "'") {
			var b strings.Builder
			i := 1
			for {
				if i >= len(s) {
					return nil, errSyntax
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					break
				}
				b.WriteByte(s[i])
				i++
			}
			val = b.String()
			s = strings.TrimSpace(s[i+1:])
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		out = append(out, [2]string{name, val})
		if strings.HasPrefix(s, ",") {
			s = strings.TrimSpace(s[1:])
		} else if s != "" {
			return nil, errSyntax
		}
	}
	return out, nil
}

type syntaxError struct{}

func (syntaxError) Error() string { return "syntax error" }

var errSyntax error = syntaxError{}
