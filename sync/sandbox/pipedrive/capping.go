package pipedrive

import "net/http"

// SetOpenDealsLimit caps the company's open deals at n (0: no cap), as a
// plan does: a deal added beyond it is refused with 403 and the code
// feature_capping_deals_limit, "Couldn't add the deal. Open deals limit
// reached." (Pipedrive changelog, "New error message and code for POST
// Deals and Custom Fields endpoints", 2022-03-30).
func (s *Sim) SetOpenDealsLimit(n int) {
	s.mu.Lock()
	s.openDealsLimit = n
	s.mu.Unlock()
}

// dealsCapped is the refusal of a new deal over SetOpenDealsLimit, or nil.
// The caller holds s.mu.
func (s *Sim) dealsCapped() *apiError {
	if s.openDealsLimit <= 0 {
		return nil
	}
	open := 0
	for _, r := range s.storeOf(kindDeal).recs {
		if !r.deleted && r.deal != nil && r.deal.status == "open" {
			open++
		}
	}
	if open < s.openDealsLimit {
		return nil
	}
	return &apiError{status: http.StatusForbidden, msg: "Couldn't add the deal. Open deals limit reached.", code: "feature_capping_deals_limit"}
}
