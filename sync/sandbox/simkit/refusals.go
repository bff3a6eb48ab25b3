package simkit

// Refusal answers the requests of one endpoint with an error, every time
// (Faults' odds are random): a vendor refusing a whole batch, 400 for a
// request it finds not well formed or 5xx when its service fails. Each
// sandbox writes it in its vendor's error shape.
type Refusal struct {
	Status  int
	Code    string // the vendor's code: HubSpot's category, Salesforce's errorCode
	Message string
	// Times is how many requests are refused; 0: every one until the
	// endpoint's refusal is replaced.
	Times int
}

// RefuseEndpoint makes the sandbox refuse requests to endpoint (a stats
// key, "POST /crm/objects/2026-03/contacts/batch/archive") as r says; a
// zero Refusal lifts it.
func (fi *FaultInjector) RefuseEndpoint(endpoint string, r Refusal) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.refusals == nil {
		fi.refusals = map[string]*Refusal{}
	}
	if r.Status == 0 {
		delete(fi.refusals, endpoint)
		return
	}
	fi.refusals[endpoint] = &r
}

// Refused is the refusal a request to endpoint gets, if any; a refusal
// with Times counts this request.
func (fi *FaultInjector) Refused(endpoint string) (Refusal, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	r, ok := fi.refusals[endpoint]
	if !ok {
		return Refusal{}, false
	}
	if r.Times > 0 {
		if r.Times--; r.Times == 0 {
			delete(fi.refusals, endpoint)
		}
	}
	return *r, true
}
