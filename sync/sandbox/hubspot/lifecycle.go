package hubspot

import (
	"fmt"
	"slices"
)

// HubSpot's lifecycle stage only moves forward through the API. Sources:
// HubSpot's contacts and companies guides (developers.hubspot.com, CRM API
// | Contacts / Companies, "Update") say a stage can only be set forward in
// the stage order and must be cleared first to be set backward, which an
// integration may do [the stored copies searched hold the guides' create
// sections only, with the stages' internal names; that passage is
// quoted from the team's brief]. The HubSpot community thread
// integrate.hubspot.com/t/update-lifecycle-stage-using-api/1333 (v1 API):
// "I seem to get a successful 204 Response from the request, but the
// change was not made"; the answer: "first set the value to "" (empty
// string), then (in a separate request) set the earlier lifecycle stage
// value", and the asker found a batch does not apply its inputs in order,
// so the clear and the set go in separate calls. The stage order is the
// property's options' displayOrder, which a portal may customize
// (developer changelog, "Upcoming: Customized lifecycle stages for
// contacts and companies", 2022). [unverified for v3: the sandbox answers
// 200 with the record, the kept stage in its properties, and moves
// lastmodifieddate as any update does here.] The user in HubSpot's own
// window may move a stage either way, so Update (the Go API) is not held
// to it. Creates set any stage.
const lifecycleProp = "lifecyclestage"

// forwardOnly drops a lifecycle stage from an API update's properties when
// it would move the record's stage backward. Caller holds s.mu.
func forwardOnly(st *objectStore, r *record, props map[string]any) map[string]any {
	if st.schema.Object != "contacts" && st.schema.Object != "companies" {
		return props
	}
	idx, ok := st.schema.prop(lifecycleProp)
	if !ok {
		return props
	}
	want, _ := props[lifecycleProp].(string)
	have := r.vals[idx]
	if want == "" || have == "" {
		return props // setting a first stage, or clearing it, is always allowed
	}
	order := st.schema.Props[idx].Options
	w, h := stageRank(order, want), stageRank(order, have)
	if w < 0 || h < 0 || w >= h {
		return props // an unknown stage is validation's to refuse
	}
	kept := make(map[string]any, len(props))
	for k, v := range props {
		if k != lifecycleProp {
			kept[k] = v
		}
	}
	return kept
}

// stageRank is a stage's displayOrder; -1 for a value not among the
// options (validation refuses it anyway).
func stageRank(options []Option, value string) int {
	i := slices.IndexFunc(options, func(o Option) bool { return o.Value == value })
	if i < 0 {
		return -1
	}
	return options[i].DisplayOrder
}

// SetStageOrder reorders an object's lifecycle stages, as a portal admin
// customizing them would: values get displayOrder 0, 1, … in the order
// named, the stages not named follow in their old order. The options keep
// their place in the properties API's list, so a client must go by
// displayOrder. Contacts and companies share the stage list
// (stagesShared), so either object reorders both.
func (s *Sim) SetStageOrder(object string, values ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	props, err := s.stageProps(object)
	if err != nil {
		return err
	}
	opts := slices.Clone(props[0].Options)
	order := slices.Clone(values)
	for _, o := range opts {
		if !slices.Contains(values, o.Value) {
			order = append(order, o.Value)
		}
	}
	for rank, v := range order {
		i := slices.IndexFunc(opts, func(o Option) bool { return o.Value == v })
		if i < 0 {
			return fmt.Errorf("hubspot sim: %s has no stage %q", object, v)
		}
		opts[i].DisplayOrder = rank
	}
	for _, p := range props {
		p.Options = slices.Clone(opts)
	}
	return nil
}
