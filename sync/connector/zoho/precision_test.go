package zoho

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestAmountPlacesAndDouble: a Deals Amount is offered with the
// places its decimal_place keeps and as a double, also when an older
// build cached the module's fields without decimal_place (that cache is
// not used: its amounts would read back rounded and look edited).
func TestAmountPlacesAndDouble(t *testing.T) {
	_, meta := storetest.MetaCache(t, "zc", "zoho")
	ctx := context.Background()
	old := `[{"api_name":"Deal_Name","data_type":"text"},{"api_name":"Amount","data_type":"currency"},{"api_name":"Stage","data_type":"picklist"}]`
	if err := meta.Put(ctx, "zoho/v8/Deals/fields", []byte(old)); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, zsim.Options{Seed: 5})
	sc, err := e.cachedConnector(t, meta)().Schema(ctx, "Deals")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("Amount")
	if !ok || f.Scale != 2 || !f.Double {
		t.Errorf("Deals.Amount: %+v (found %v); want Scale 2 (decimal_place) and Double", f, ok)
	}
}
