package dynamics

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// An update is conditional on the row version this connector read
// (Microsoft Learn, "Perform conditional operations using the Web API",
// Apply optimistic concurrency: If-Match with the row's @odata.etag
// answers 412 "The version of the existing record doesn't match the
// RowVersion property provided." when the row changed since). The engine
// merged against that read, so a person's edit saved between the run's
// read and its write must not be written over: the record fails as a
// conflict, and the next run reads the edit and merges it. A row this
// connector did not read, or wrote since, is updated with If-Match: *.
// A connector lives for one run (app opens a session per run), so the
// versions are the run's.

// Dataverse's code for the refusal is ConcurrencyVersionMismatch
// (0x80060882, -2147088254 on Microsoft Learn's "Optimistic concurrency"
// page), but the Web API page's example answers 412 with the code blank,
// so the status decides.

// codeConcurrencyNotEnabled is OptimisticConcurrencyNotEnabled
// (-2147088243, the same page): the table does not take a row version.
// Which HTTP status the Web API gives it is [unverified].
const codeConcurrencyNotEnabled = "0x8006088d"

// changedMeanwhile is what a person reads for a refused version.
const changedMeanwhile = "changed in Dynamics 365 while the run was writing; the next run merges it"

// deletedMeanwhile is what a person reads for a delete refused its version
// (Microsoft Learn's "Web API Conditional Operations Sample", section 2:
// optimistic concurrency on delete and update).
const deletedMeanwhile = "changed in Dynamics 365 after it was read; not deleted"

// versions are the row versions read, per table, by id.
type versions struct {
	mu    sync.Mutex
	byID  map[string]map[string]string
	unver map[string]bool // tables that refused a version (codeConcurrencyNotEnabled)
}

// keep records the @odata.etag of a row read from object.
func (v *versions) keep(object, id string, raw map[string]json.RawMessage) {
	var tag string
	if json.Unmarshal(raw["@odata.etag"], &tag) != nil || tag == "" {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.byID == nil {
		v.byID = map[string]map[string]string{}
	}
	m := v.byID[object]
	if m == nil {
		m = map[string]string{}
		v.byID[object] = m
	}
	m[strings.ToLower(id)] = tag
}

// ifMatch is the If-Match an update of object's row id sends.
func (v *versions) ifMatch(object, id string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if tag := v.byID[object][strings.ToLower(id)]; tag != "" && !v.unver[object] {
		return tag
	}
	return "*"
}

// forget drops a row's version once it no longer holds (the run wrote
// the row).
func (v *versions) forget(object, id string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.byID[object], strings.ToLower(id))
}

// refuse marks object as a table without optimistic concurrency: its
// updates send If-Match: * from now on.
func (v *versions) refuse(object string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.unver == nil {
		v.unver = map[string]bool{}
	}
	v.unver[object] = true
}

// versioned reports whether req is conditional on a version read.
func versioned(req operation) bool {
	m := req.header.Get("If-Match")
	return (req.method == http.MethodPatch || req.method == http.MethodDelete) && m != "" && m != "*"
}

// versionRefused reports a version refusal of a versioned request: 412
// other than a taken alternate key (which is 412 too).
func versionRefused(req operation, o *outcome, e *connector.Error) bool {
	return versioned(req) && o.status == http.StatusPreconditionFailed && !strings.EqualFold(e.Code, codeDuplicateKey)
}

// againUnversioned sends again, with If-Match: * (or none, for a delete),
// the ops a table without optimistic concurrency refused a version, and
// marks the table so that its later writes send none.
func (c *Connector) againUnversioned(ctx context.Context, sc *schema, ops []connector.Op, results []connector.Result, mk build) ([]connector.Result, error) {
	var again []int
	for i, r := range results {
		var re *connector.RecordError
		if ops[i].Kind == connector.OpUpdate && errors.As(r.Err, &re) && strings.EqualFold(re.Code, codeConcurrencyNotEnabled) {
			again = append(again, i)
		}
	}
	if len(again) == 0 {
		return results, nil
	}
	c.versions.refuse(sc.Object)
	retry := make([]connector.Op, len(again))
	for j, i := range again {
		retry[j] = ops[i]
	}
	res, err := c.send(ctx, sc, retry, mk)
	if err != nil {
		return nil, err
	}
	for j, i := range again {
		results[i] = res[j]
	}
	return results, nil
}
