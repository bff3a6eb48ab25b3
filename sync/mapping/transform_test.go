package mapping

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

func mustTransform(t *testing.T, spec string, env transformEnv) transform {
	t.Helper()
	tr, err := parseTransform(spec, env)
	if err != nil {
		t.Fatalf("parseTransform(%q): %v", spec, err)
	}
	return tr
}

func TestTransformForward(t *testing.T) {
	str := transformEnv{aType: connector.TypeString, bType: connector.TypeString}
	dtToDate := transformEnv{aType: connector.TypeDateTime, bType: connector.TypeDate}
	cases := []struct {
		spec    string
		env     transformEnv
		in, out string
		wantErr string
	}{
		{"", str, " keep as is ", " keep as is ", ""},
		{"none", str, "x", "x", ""},
		{"trim", str, "  Ada \t", "Ada", ""},
		{"lower", str, " ADA@Example.COM ", "ada@example.com", ""},
		{"upper", str, "de", "DE", ""},
		{"title", str, "o'brien-SMITH mary", "O'Brien-Smith Mary", ""},
		{"title", str, "élodie durand", "Élodie Durand", ""},
		{"e164", str, "(415) 555-2671", "+14155552671", ""},
		{"text", str, "<p>Call  went <b>well</b> &amp; fast.</p><p>Next:<br>send quote</p>", "Call went well & fast.\nNext:\nsend quote", ""},
		{"text", str, "<div>a</div>\n  <div></div><div>b</div><script>x()</script>", "a\nb", ""},
		{"text", str, "<p>a</p><p><br></p><p>b &lt;c&gt;</p>", "a\n\nb <c>", ""},
		{"text", str, "  plain\r\n\r\n\r\ntext  ", "plain\n\ntext", ""},
		{"firstline:80", str, "<p>Renewal call</p><p>They want 20 seats</p>", "Renewal call", ""},
		{"span", str, "2026-12-10T15:00:00Z 2026-12-10T15:45:00Z", "00:45", ""},
		{"span", str, "2026-12-10T15:00:00.000Z 2026-12-10T19:05:29+02:00", "02:05", ""},
		{"span", str, "2026-12-10T15:00:00Z", "", ""},
		{"span", str, "2026-12-10T15:00:00Z 2026-12-10T14:00:00Z", "", "ends before it starts"},
		{"span", str, "2026-12-10 2026-12-11", "", "two instants"},
		{"firstline:10", str, "A very long first line", "A very lo…", ""},
		{"firstline:5", str, "", "", ""},
		{"e164", str, "+1 555-664-6864", "+15556646864", ""}, // fictional range: possible, not assigned
		{"e164", str, "+44 20 7946 0958", "+442079460958", ""},
		{"e164:GB", str, "020 7946 0958", "+442079460958", ""},
		{"e164:de", str, "030 901820", "+4930901820", ""},
		{"e164", str, "", "", ""},
		{"e164", str, "not a phone", "", "not a phone"},
		{"e164", str, "123", "", "not a possible number"},
		{"number", str, "1,234.50", "1234.5", ""},
		{"number", str, "$ 1,000,000", "1000000", ""},
		{"number", str, "-0.00", "0", ""},
		{"number", str, "007", "7", ""},
		{"number", str, ".5", "0.5", ""},
		{"number", str, "+12345678901234567890.10", "12345678901234567890.1", ""},
		{"number", str, "1,5", "", "ambiguous"},
		{"number", str, "12abc", "", "not a number"},
		{"number", str, ".", "", "not a number"},
		{"wallclock:UTC", str, "2026-12-10T09:30:45.000Z", "2026-12-10 09:30", ""},
		{"wallclock:Europe/Berlin", str, "2026-12-10T09:30:00Z", "2026-12-10 10:30", ""},
		{"wallclock:UTC", str, "2026-12-10 09:30", "", "no time zone"},
		{"hhmm:ms", str, "90500", "00:02", ""},
		{"hhmm:ms", str, "5400000", "01:30", ""},
		{"hhmm:s", str, "59", "00:01", ""},
		{"hhmm:min", str, "", "", ""},
		{"hhmm:ms", str, "-5", "", "not a length"},
		{"mmss:ms", str, "90500", "01:31", ""},
		{"mmss:ms", str, "5400000", "90:00", ""},
		{"mmss:s", str, "59", "00:59", ""},
		{"mmss:ms", str, "-5", "", "not a length"},
		{"divide:1000", str, "90500", "91", ""},
		{"divide:1000", str, "1,200", "1", ""},
		{"divide:1000", str, "400", "0", ""},
		{"divide:60", str, "", "", ""},
		{"divide:1000", str, "ninety", "", "not a number"},
		{"bool", str, "Yes", "true", ""},
		{"bool", str, " 0 ", "false", ""},
		{"bool", str, "off", "false", ""},
		{"bool", str, "maybe", "", "not a yes/no"},
		{"const:Website", str, "ignored", "Website", ""},
		{"const: spaced : colon", str, "", " spaced : colon", ""},
		{"date", str, "2024-02-29", "2024-02-29", ""},
		{"date", str, "2024-02-30", "", "not a date"},
		{"date", str, "2024-03-01T10:00:00Z", "", "needs an explicit time zone"},
		{"date:Europe/Berlin", dtToDate, "2024-03-30T23:30:00Z", "2024-03-31", ""},        // UTC+1 before spring DST
		{"date:Europe/Berlin", dtToDate, "2024-10-26T22:30:00Z", "2024-10-27", ""},        // still UTC+2
		{"date:Europe/Berlin", dtToDate, "2024-10-27T22:30:00Z", "2024-10-27", ""},        // back to UTC+1
		{"date:America/New_York", dtToDate, "2024-03-10T04:59:59Z", "2024-03-09", ""},     // 23:59:59 EST
		{"date:America/New_York", dtToDate, "2024-01-15T10:00:00+0000", "2024-01-15", ""}, // Salesforce offset style
		{"date:Europe/Berlin", dtToDate, "2024-03-31 02:30", "2024-03-31", ""},            // wall clock: its date
		{"datetime:Europe/Berlin", str, "2024-03-31T03:30:00", "2024-03-31T01:30:00Z", ""},
		{"datetime:Europe/Berlin", str, "2024-03-31T01:59:59", "2024-03-31T00:59:59Z", ""},
		{"datetime:Europe/Berlin", str, "2024-03-31T02:30:00", "", "does not exist"},
		{"datetime:Europe/Berlin", str, "2024-10-27 02:30", "", "happens twice"},
		{"datetime:Europe/Berlin", str, "2024-10-27T02:30:00+01:00", "2024-10-27T01:30:00Z", ""},
		{"datetime:Europe/Berlin", str, "2024-07-01", "2024-06-30T22:00:00Z", ""},
		{"datetime:America/Santiago", str, "2022-09-11", "2022-09-11T04:00:00Z", ""}, // midnight skipped
		{"datetime", str, "2024-05-01T12:00:00.000+02:00", "2024-05-01T10:00:00Z", ""},
		{"datetime", str, "2024-05-01T12:00:00", "", "no time zone"},
		{"datetime", str, "yesterday", "", "not a date or datetime"},
		{"map", transformEnv{valueMap: map[string]string{"lead": "Open", "customer": "Closed Won"}}, "Lead", "Open", ""},
		{"map", transformEnv{valueMap: map[string]string{"lead": "Open"}}, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.spec+"/"+tc.in, func(t *testing.T) {
			tr := mustTransform(t, tc.spec, tc.env)
			got, err := tr.forward(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("forward(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.out {
				t.Fatalf("forward(%q) = %q, %v; want %q", tc.in, got, err, tc.out)
			}
		})
	}
}

// TestTransformRoundTrip checks the property the engine relies on to avoid
// loops: forward(inverse(c)) == c for canonical values.
func TestTransformRoundTrip(t *testing.T) {
	cases := []struct {
		spec   string
		env    transformEnv
		canons []string
		aForm  []string // inverse(canons[i]) when set
	}{
		{"trim", transformEnv{}, []string{"Ada", ""}, nil},
		{"lower", transformEnv{}, []string{"ada@example.com"}, nil},
		{"upper", transformEnv{}, []string{"DE"}, nil},
		{"title", transformEnv{}, []string{"Mary-Jane O'Neil"}, nil},
		{"e164", transformEnv{}, []string{"+14155552671", "+442079460958"}, nil},
		{"number", transformEnv{}, []string{"1234.5", "-3", "0"}, nil},
		{"bool", transformEnv{}, []string{"true", "false"}, nil},
		{"divide:1000", transformEnv{}, []string{"91", "0", "3600"}, []string{"91000", "0", "3600000"}},
		{"hhmm:ms", transformEnv{}, []string{"00:02", "01:30", "00:00"}, []string{"120000", "5400000", "0"}},
		{"mmss:ms", transformEnv{}, []string{"00:02", "75:30", "00:00"}, []string{"2000", "4530000", "0"}},
		{"wallclock:Europe/Berlin", transformEnv{}, []string{"2026-12-10 10:30", "2026-07-01 00:15"}, []string{"2026-12-10T09:30:00Z", "2026-06-30T22:15:00Z"}},
		{"date", transformEnv{aType: connector.TypeDate}, []string{"2024-03-31"}, []string{"2024-03-31"}},
		{"date:Europe/Berlin", transformEnv{aType: connector.TypeDateTime}, []string{"2024-03-31", "2024-10-27"},
			[]string{"2024-03-30T23:00:00Z", "2024-10-26T22:00:00Z"}},
		{"date:America/Santiago", transformEnv{aType: connector.TypeDateTime}, []string{"2022-09-11"}, []string{"2022-09-11T04:00:00Z"}},
		{"datetime:Europe/Berlin", transformEnv{aType: connector.TypeDateTime}, []string{"2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z"}, nil},
		{"datetime:Europe/Berlin", transformEnv{aType: connector.TypeString}, []string{"2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z"},
			[]string{"2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00"}},
		{"map", transformEnv{valueMap: map[string]string{"lead": "Open", "customer": "Closed Won"}}, []string{"Open", "Closed Won"}, []string{"lead", "customer"}},
		{"text", transformEnv{}, []string{"Quote sent.\n\nR&D <asked> \"why\"", "one line", ""},
			[]string{"Quote sent.<br><br>R&amp;D &lt;asked&gt; &#34;why&#34;", "one line", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			tr := mustTransform(t, tc.spec, tc.env)
			if tr.inverse == nil {
				t.Fatalf("%s: not invertible (%s)", tc.spec, tr.whyNot)
			}
			for i, c := range tc.canons {
				a, err := tr.inverse(c)
				if err != nil {
					t.Fatalf("inverse(%q): %v", c, err)
				}
				if tc.aForm != nil && a != tc.aForm[i] {
					t.Errorf("inverse(%q) = %q, want %q", c, a, tc.aForm[i])
				}
				back, err := tr.forward(a)
				if err != nil || back != c {
					t.Errorf("forward(inverse(%q)) = %q, %v", c, back, err)
				}
				if cc, err := tr.canon(c); err != nil || cc != c {
					t.Errorf("canon(%q) = %q, %v: canonical values must be fixpoints", c, cc, err)
				}
			}
		})
	}
}

func TestTransformInvertibility(t *testing.T) {
	cases := []struct {
		spec       string
		env        transformEnv
		invertible bool
		why        string
	}{
		{"const:x", transformEnv{}, false, "one-way"},
		{"map", transformEnv{valueMap: map[string]string{"a": "X", "b": "X", "c": "Y"}}, false, `"a" and "b" both map to "X"`},
		{"map", transformEnv{valueMap: map[string]string{"a": "X", "b": "Y"}}, true, ""},
		{"datetime:UTC", transformEnv{aType: connector.TypeDate}, false, "losing its time"},
		{"e164", transformEnv{}, true, ""},
		{"firstline:80", transformEnv{}, false, "first line"},
		{"span", transformEnv{}, false, "start and an end"},
		{"text", transformEnv{}, true, ""},
	}
	for _, tc := range cases {
		tr := mustTransform(t, tc.spec, tc.env)
		if (tr.inverse != nil) != tc.invertible || !strings.Contains(tr.whyNot, tc.why) {
			t.Errorf("%s: invertible=%v (%q), want %v (%q)", tc.spec, tr.inverse != nil, tr.whyNot, tc.invertible, tc.why)
		}
	}
}

func TestTransformParseErrors(t *testing.T) {
	cases := map[string]string{
		"soundex":              "unknown transform",
		"e164:XX":              "unknown region",
		"date:Mars/Olympus":    "unknown time zone",
		"datetime:":            "empty time zone",
		"const":                "needs a value",
		"trim:both":            "takes no argument",
		"date":                 "needs an explicit time zone", // with a datetime A side
		"datetime:America/Foo": "unknown time zone",
		"divide":               "positive number",
		"divide:0":             "positive number",
		"divide:-5":            "positive number",
		"hhmm":                 "the unit A counts in",
		"hhmm:hours":           "the unit A counts in",
		"mmss:h":               "the unit A counts in",
		"wallclock":            "needs the time zone",
		"wallclock:Mars/Base":  "unknown time zone",
		"firstline":            "longest title",
		"firstline:x":          "longest title",
		"text:html":            "takes no argument",
		"span:min":             "takes no argument",
	}
	for spec, want := range cases {
		_, err := parseTransform(spec, transformEnv{aType: connector.TypeDateTime})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseTransform(%q) = %v, want error containing %q", spec, err, want)
		}
	}
}

func TestMapUnknownValue(t *testing.T) {
	tr := mustTransform(t, "map", transformEnv{valueMap: map[string]string{"lead": "Open", "customer": "Won"}})
	_, err := tr.forward("partner")
	var uv *UnknownValueError
	if !errors.As(err, &uv) || uv.Value != "partner" || strings.Join(uv.Allowed, ",") != "customer,lead" {
		t.Fatalf("forward(partner) = %v, want *UnknownValueError listing customer,lead", err)
	}
	if _, err := tr.inverse("Lost"); !errors.As(err, &uv) || uv.Value != "Lost" {
		t.Fatalf("inverse(Lost) = %v, want *UnknownValueError", err)
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct {
		kind, in, out, err string
	}{
		{"email", "  Ada.Lovelace@Example.COM ", "ada.lovelace@example.com", ""},
		{"email", "", "", ""},
		{"email", "ada@", "", `invalid email "ada@"`},
		{"email", "ada example.com", "", "invalid email"},
		{"email", "a@b@c.com", "", "invalid email"},
		{"email", "ada@localhost", "", "invalid email"},
		{"e164", "415.555.2671", "+14155552671", ""},
		{"e164:gb", "020 7946 0958", "+442079460958", ""},
		{"e164", "555", "", "not a possible number"},
		{"lower", " MiXed ", "mixed", ""},
		{"exact", " Keep ", " Keep ", ""},
		{"domain", "Ada@Example.com", "example.com", ""},
		{"domain", "https://www.Example.com/about?x=1", "example.com", ""},
		{"domain", "example.co.uk:8080", "example.co.uk", ""},
		{"domain", "not a domain", "", "invalid domain"},
		{"text", "<p>Renewal  CALL</p>\n<p>20&nbsp;seats</p>", "renewal call 20 seats", ""},
		{"text", "Renewal call\r\n20 seats ", "renewal call 20 seats", ""},
		{"soundex", "x", "", "unknown match-key normalizer"},
	}
	for _, tc := range cases {
		got, err := Normalize(tc.kind, tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Normalize(%q, %q) = %q, %v; want error %q", tc.kind, tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.out {
			t.Errorf("Normalize(%q, %q) = %q, %v; want %q", tc.kind, tc.in, got, err, tc.out)
		}
	}
}

// endat reads B's start (a wall clock in its zone) and length as the
// instant the meeting ends; a start without a length has no end; an A
// instant is normalized the same way, so an end read back compares equal;
// a row that would write B is refused.
func TestEndAt(t *testing.T) {
	tr, err := parseTransform("endat:Europe/Berlin", transformEnv{})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"2026-12-10 10:30 01:15": "2026-12-10T10:45:00Z", // 10:30 in Berlin is 09:30 UTC
		"2026-07-01 23:50 00:20": "2026-07-01T22:10:00Z", // summer time: UTC+2
		"2026-12-10 10:30":       "",
		"":                       "",
	} {
		if got, err := tr.canon(in); err != nil || got != want {
			t.Errorf("canon(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tr.canon("2026-12-10 10:30 1h"); err == nil {
		t.Error("a length that is not HH:MM gave no error")
	}
	if got, err := tr.forward("2026-12-10T11:45:00+01:00"); err != nil || got != "2026-12-10T10:45:00Z" {
		t.Errorf("forward = %q, %v", got, err)
	}
	schemaA := connector.Schema{Object: "meetings", Fields: []connector.Field{{Name: "end", Type: connector.TypeDateTime}}}
	schemaB := connector.Schema{Object: "activities", Fields: []connector.Field{{Name: "due_date", Type: connector.TypeDate},
		{Name: "due_time", Type: connector.TypeString}, {Name: "duration", Type: connector.TypeString}}}
	if _, probs := Compile([]Field{{A: "end", B: "due_date+due_time+duration", Transform: "endat:UTC"}}, BtoA, schemaA, schemaB); len(probs) != 0 {
		t.Errorf("a b-to-a endat row: %v", probs)
	}
	_, probs := Compile([]Field{{A: "end", B: "due_date+due_time+duration", Transform: "endat:UTC"}}, TwoWay, schemaA, schemaB)
	if len(probs) == 0 || !strings.Contains(fmt.Sprint(probs), "cannot write B") {
		t.Errorf("a two-way endat row: %v, want it refused", probs)
	}
}

// TestMoneyTransform: an amount goes on only in the one currency B holds;
// a blank currency is A's account currency; written back it carries B's.
func TestMoneyTransform(t *testing.T) {
	tr := mustTransform(t, "money:EUR,USD", transformEnv{})
	for _, c := range []struct{ in, out, wantErr string }{
		{"7000 EUR", "7000", ""},
		{"7000.50 eur", "7000.5", ""},
		{"", "", ""},
		{"3000 USD", "3000", "amount 3000 USD cannot be written where amounts are in EUR only"},
		{"2500", "2500", "2500 USD (no currency given: the account's)"},
	} {
		got, err := tr.forward(c.in)
		if c.wantErr == "" && (err != nil || got != c.out) {
			t.Errorf("money:EUR,USD(%q) = %q, %v; want %q", c.in, got, err, c.out)
		}
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("money:EUR,USD(%q) error = %v; want %q", c.in, err, c.wantErr)
		}
	}
	if got, err := tr.inverse("12.0"); err != nil || got != "12 EUR" {
		t.Errorf("inverse(12.0) = %q, %v; want \"12 EUR\"", got, err)
	}
	if got, err := mustTransform(t, "money:USD", transformEnv{}).forward("2500"); err != nil || got != "2500" {
		t.Errorf("money:USD(2500) = %q, %v: a blank currency is B's when A's is not given", got, err)
	}
	for _, bad := range []string{"money", "money:US", "money:USD,E1R", "money:€"} {
		if _, err := parseTransform(bad, transformEnv{}); err == nil {
			t.Errorf("parseTransform(%q) accepted", bad)
		}
	}
}
