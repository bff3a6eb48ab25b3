package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestCurrencyItemStaysWhileEUR: a linked deal moved to EUR waits
// in review; a Salesforce edit of that Opportunity plans the pair again,
// and the item must stay open while HubSpot still holds EUR.
func TestCurrencyItemStaysWhileEUR(t *testing.T) {
	ctx := context.Background()
	a, srv, d, opp := linkedUSDDeal(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Update("deals", d.ID, map[string]string{"amount": "3100", "deal_currency_code": "EUR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if open, err := a.Reviews(ctx, "deals", "rejected", "open"); err != nil || len(open) != 1 {
		t.Fatalf("open rejected items after the move to EUR: %+v %v", open, err)
	}
	for i, upd := range []func() error{
		func() error {
			_, err := sf.Update("Opportunity", opp, map[string]string{"Name": "Audit Boston renewal 2"})
			return err
		},
		func() error {
			_, err := hs.Update("deals", d.ID, map[string]string{"dealstage": "closedwon"})
			return err
		},
	} {
		if err := upd(); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil {
			t.Fatal(err)
		}
		if open, err := a.Reviews(ctx, "deals", "rejected", "open"); err != nil || len(open) != 1 {
			t.Errorf("edit %d: open rejected items while HubSpot holds EUR: %+v %v", i+1, open, err)
		}
	}
	if _, err := hs.Update("deals", d.ID, map[string]string{"deal_currency_code": "USD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if open, err := a.Reviews(ctx, "deals", "rejected", "open"); err != nil || len(open) != 0 {
		t.Errorf("open rejected items once HubSpot's currency is USD: %+v %v", open, err)
	}
	if o, _ := sf.Get("Opportunity", opp); o.Fields["Amount"] != "3100" {
		t.Errorf("Opportunity amount %q once the deal is 3100 USD", o.Fields["Amount"])
	}
}
