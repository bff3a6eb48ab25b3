package app_test

import (
	"encoding/json"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestDynamicsMultiCurrencyDeals: multiCurCase in a Dataverse
// organization with a second transaction currency (opportunity's
// transactioncurrencyid). The currencies are read with the schema and
// cached with it: the run after spends no call on them.
func TestDynamicsMultiCurrencyDeals(t *testing.T) {
	var dvSrv *sandbox.Server
	curReads := func() int64 { return dvSrv.Dynamics().Stats()["GET /api/data/v9.2/transactioncurrencies"] }
	var afterFirst int64 = -1
	multiCurCase(t, multiCurOrg{vendor: "dynamics", conn: "dv", object: "opportunities",
		enable: func(srv *sandbox.Server, codes ...string) error {
			srv.Dynamics().SetCurrency(codes[0])
			for _, c := range codes[1:] {
				if _, err := srv.Dynamics().AddCurrency(c); err != nil {
					return err
				}
			}
			return nil
		},
		deal: func(srv *sandbox.Server, name string) (string, string, bool) {
			if dvSrv == nil {
				dvSrv, afterFirst = srv, srv.Dynamics().Stats()["GET /api/data/v9.2/transactioncurrencies"]
			}
			dv := srv.Dynamics()
			for _, r := range dv.Records("opportunities") {
				if r.Fields["name"] == name {
					id, _ := r.Fields["_transactioncurrencyid_value"].(string)
					return numText(r.Fields["estimatedvalue"]), dv.CurrencyCode(id), true
				}
			}
			return "", "", false
		},
		create: func(srv *sandbox.Server, name, amount, cur string) error {
			dv := srv.Dynamics()
			_, err := dv.Create("opportunities", map[string]any{"name": name, "estimatedvalue": json.Number(amount),
				"estimatedclosedate": "2031-05-31", "transactioncurrencyid@odata.bind": "/transactioncurrencies(" + dv.CurrencyID(cur) + ")"})
			return err
		}})
	if afterFirst < 1 || curReads() != afterFirst {
		t.Errorf("transactioncurrencies read %d times by the first deals run, %d by the end: the run after asked again", afterFirst, curReads())
	}
}
