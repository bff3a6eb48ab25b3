package mailchimp

import (
	"encoding/json"
	"reflect"
	"testing"
)

func date(format string) mergeField {
	mf := mergeField{Tag: "D", Type: "date"}
	mf.Options.DateFormat = format
	return mf
}

func birthday(format string) mergeField {
	mf := mergeField{Tag: "B", Type: "birthday"}
	mf.Options.DateFormat = format
	return mf
}

func TestDatesFollowTheFieldsFormat(t *testing.T) {
	cases := []struct {
		mf         mergeField
		canonical  string
		wire       string
		readAlsoOK string // another form Mailchimp may answer with
	}{
		{date("MM/DD/YYYY"), "2026-03-31", "03/31/2026", "2026-03-31"},
		{date("DD/MM/YYYY"), "2026-03-31", "31/03/2026", "2026-03-31"},
		{date(""), "2026-03-31", "2026-03-31", ""},
		{date("mm/dd/yyyy"), "2026-01-02", "01/02/2026", ""},
		{birthday("MM/DD"), "03/31", "03/31", ""},
		{birthday("DD/MM"), "03/31", "31/03", ""},
		{birthday(""), "12/01", "12/01", ""},
	}
	for _, tc := range cases {
		got, why := writeMerge(tc.mf, tc.canonical)
		if why != "" || got != tc.wire {
			t.Errorf("%s %q: write %v (%s), want %q", tc.mf.Options.DateFormat, tc.canonical, got, why, tc.wire)
		}
		for _, wire := range []string{tc.wire, tc.readAlsoOK} {
			if wire == "" {
				continue
			}
			raw, _ := json.Marshal(wire)
			if back, err := readMerge(tc.mf, raw); err != nil || back != tc.canonical {
				t.Errorf("%s %q: read %q, %v; want %q", tc.mf.Options.DateFormat, wire, back, err, tc.canonical)
			}
		}
	}
	for _, bad := range []struct {
		mf mergeField
		v  string
	}{{date("MM/DD/YYYY"), "31/03/2026"}, {birthday("MM/DD"), "2026-03-31"}, {mergeField{Type: "number"}, "ten"}} {
		if _, why := writeMerge(bad.mf, bad.v); why == "" {
			t.Errorf("writeMerge(%s, %q) was accepted", bad.mf.Type, bad.v)
		}
	}
	if v, why := writeMerge(date("MM/DD/YYYY"), ""); v != "" || why != "" {
		t.Errorf("a blank date = %v, %s", v, why)
	}
	if v, _ := writeMerge(mergeField{Type: "number"}, " 12.5"); v != json.Number("12.5") {
		t.Errorf("number = %#v", v)
	}
	if v, _ := readMerge(mergeField{Type: "number"}, json.RawMessage(`42`)); v != "42" {
		t.Errorf("read number = %q", v)
	}
	if v, _ := readMerge(mergeField{Type: "number"}, json.RawMessage(`""`)); v != "" {
		t.Errorf("read empty number = %q", v)
	}
}

func TestAddressParts(t *testing.T) {
	got, err := readAddress(json.RawMessage(`{"addr1":"1 Main St","addr2":"","city":"Springfield","state":"IL","zip":"62701","country":"US"}`))
	want := map[string]string{"addr1": "1 Main St", "addr2": "", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("readAddress = %v, %v", got, err)
	}
	empty, _ := readAddress(json.RawMessage(`""`))
	for _, p := range addressParts {
		if v, ok := empty[p]; !ok || v != "" {
			t.Errorf("empty address part %s = %q, %v", p, v, ok)
		}
	}
	if v := addressValue(map[string]string{"addr1": "", "city": ""}); v != "" {
		t.Errorf("blank address = %v, want \"\"", v)
	}
	v := addressValue(map[string]string{"addr1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": ""})
	if !reflect.DeepEqual(v, map[string]string{"addr1": "1 Main St", "addr2": "", "city": "Springfield", "state": "IL", "zip": "62701"}) {
		t.Errorf("addressValue = %v", v)
	}
}
