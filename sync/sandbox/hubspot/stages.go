package hubspot

import (
	"fmt"
	"slices"
)

// Contacts and companies share one lifecycle stage list. HubSpot's
// knowledge base, "Create and customize lifecycle stages": stages are
// created, edited, reordered and deleted in one place (Settings > Objects
// > Contacts > Lifecycle Stage), and a new stage "will now appear as an
// option when editing a contact's or company's Lifecycle stage property".
// The sandbox keeps a copy of the options on each object's property and
// changes both copies together.
var stagesShared = []string{"contacts", "companies"}

// stageProps is the lifecycle stage property of every object sharing
// object's stage list. Caller holds s.mu.
func (s *Sim) stageProps(object string) ([]*Property, error) {
	objects := []string{object}
	if slices.Contains(stagesShared, object) {
		objects = stagesShared
	}
	var out []*Property
	for _, o := range objects {
		st, ok := s.storeNamed(o)
		if !ok {
			return nil, fmt.Errorf("hubspot sim: unknown object %q", o)
		}
		idx, ok := st.schema.prop(lifecycleProp)
		if !ok {
			return nil, fmt.Errorf("hubspot sim: %s has no %s", o, lifecycleProp)
		}
		out = append(out, &st.schema.Props[idx])
	}
	return out, nil
}

// AddStage adds a custom lifecycle stage after the others, as a portal
// admin creating one would: contacts and companies both offer it.
func (s *Sim) AddStage(label, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	props, err := s.stageProps("contacts")
	if err != nil {
		return err
	}
	opts := props[0].Options
	if slices.ContainsFunc(opts, func(o Option) bool { return o.Value == value }) {
		return fmt.Errorf("hubspot sim: stage %q exists", value)
	}
	last := -1
	for _, o := range opts {
		last = max(last, o.DisplayOrder)
	}
	for _, p := range props {
		p.Options = append(slices.Clone(p.Options), Option{Label: label, Value: value, DisplayOrder: last + 1})
	}
	return nil
}
