package connector

import "testing"

// An object with a label is offered as "label (name)", the others by name.
func TestInfoObjectChoices(t *testing.T) {
	i := Info{Objects: []string{"contacts", "annotations"}, ObjectLabels: map[string]string{"annotations": "Notes"}}
	got := i.ObjectChoices()
	want := []ObjectChoice{{Name: "contacts", Label: "contacts"}, {Name: "annotations", Label: "Notes (annotations)"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ObjectChoices() = %+v, want %+v", got, want)
	}
}
