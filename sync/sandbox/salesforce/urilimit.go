package salesforce

import (
	"fmt"
	"net/http"
)

// maxRequestHead is the most a REST call's URI and headers may hold
// together: "In each REST call, the maximum length for the combined URI
// and headers is 16,384 bytes. A request exceeding this limit returns a
// 431 Request Header Fields Too Large error. If the URI itself exceeds
// this limit, the request returns a 414 URI Too Long error." (Salesforce
// Help, "Maximum number of rows returned by SOQL queries over the REST
// API", article 000386264). A SOQL query travels in the URI of a GET, so
// a long SELECT list or IN list meets it.
const maxRequestHead = 16384

// requestHeadTooLarge answers 414 or 431 for a request over
// maxRequestHead and reports whether it did.
func requestHeadTooLarge(w http.ResponseWriter, r *http.Request) bool {
	uri := len(r.RequestURI)
	head := uri
	for k, vs := range r.Header {
		for _, v := range vs {
			head += len(k) + len(v) + 4 // "k: v\r\n"
		}
	}
	switch {
	case uri > maxRequestHead:
		http.Error(w, "414 URI Too Long", http.StatusRequestURITooLong)
	case head > maxRequestHead:
		http.Error(w, "431 Request Header Fields Too Large", http.StatusRequestHeaderFieldsTooLarge)
	default:
		return false
	}
	return true
}

// AddCustomFields adds text custom fields (Text(255), nillable, neither
// unique nor an External ID) to object, as an admin does in Setup: real
// orgs' Contacts and Accounts carry hundreds. Existing records hold null
// in them. Names must end in __c.
func (s *Sim) AddCustomFields(object string, names ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, dup := st.obj.field(n); dup || len(n) < 4 || n[len(n)-3:] != "__c" {
			return fmt.Errorf("salesforce sandbox: cannot add custom field %q to %s", n, st.obj.Name)
		}
		st.obj.Fields = append(st.obj.Fields, str(n, n[:len(n)-3], 255))
		reindex(st.obj)
	}
	for _, r := range st.recs {
		r.vals = append(r.vals, make([]string, len(st.obj.Fields)-len(r.vals))...)
	}
	return nil
}
