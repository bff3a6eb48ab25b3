package dynamics

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// answer builds a $batch answer from raw HTTP responses, CRLF line ends.
func answer(boundary string, parts ...string) []byte {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
		b.WriteString(strings.ReplaceAll(p, "\n", "\r\n") + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}

func TestParseBatchReadsEveryPart(t *testing.T) {
	body := answer("batchresponse_1",
		"HTTP/1.1 204 No Content\nOData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/contacts(6f3b0c4e-0000-4000-8000-000000000001)\n",
		"HTTP/1.1 400 Bad Request\nContent-Type: application/json; odata.metadata=minimal\n\n{\"error\":{\"code\":\"0x80044331\",\"message\":\"A validation error occurred. The length of the 'firstname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'.\"}}",
		"HTTP/1.1 412 Precondition Failed\nContent-Type: application/json\n\n{\"error\":{\"code\":\"0x80060882\",\"message\":\"A record with matching key values already exists.\"}}",
	)
	out, err := parseBatch("multipart/mixed; boundary=batchresponse_1", body, 4)
	if err != nil {
		t.Fatal(err)
	}
	if out[0] == nil || out[0].status != 204 || entityID(out[0].header) != "6f3b0c4e-0000-4000-8000-000000000001" {
		t.Errorf("part 1: %+v", out[0])
	}
	if out[1] == nil || out[1].status != 400 {
		t.Fatalf("part 2: %+v", out[1])
	}
	e := errorOf("PATCH /api/data/v9.2/contacts({id})", out[1].status, out[1].body)
	if e.Code != "0x80044331" || blamed(e.Message) != "firstname" || !strings.Contains(e.Message, "maximum allowed length") {
		t.Errorf("part 2's error %+v, blamed %q", e, blamed(e.Message))
	}
	if out[2] == nil || out[2].status != 412 {
		t.Errorf("part 3: %+v", out[2])
	}
	if out[3] != nil {
		t.Errorf("operation 4 has no part, got %+v", out[3])
	}
}

// A malformed answer is an error naming what is wrong, never a guess.
func TestParseBatchRefusesMalformedAnswers(t *testing.T) {
	ok := "HTTP/1.1 204 No Content\n"
	cases := []struct {
		name, contentType string
		body              []byte
		n                 int
		want              string
	}{
		{"json instead of multipart", "application/json", []byte(`{"value":[]}`), 1, "not multipart/mixed"},
		{"no boundary", "multipart/mixed", answer("b", ok), 1, "not multipart/mixed"},
		{"more parts than operations", "multipart/mixed; boundary=b", answer("b", ok, ok), 1, "2 parts for 1 operations"},
		{"a part that is not http", "multipart/mixed; boundary=b",
			[]byte("--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"), 1, `"text/plain", not application/http`},
		{"a status line that is not one", "multipart/mixed; boundary=b", answer("b", "HTTP/1.1 banana\n"), 1, "part 1"},
		{"cut short", "multipart/mixed; boundary=b", answer("b", ok)[:40], 1, "part 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseBatch(c.contentType, c.body, c.n)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestEntityIDAndBlamedColumn(t *testing.T) {
	for v, want := range map[string]string{
		"https://org.crm.dynamics.com/api/data/v9.2/contacts(00000000-0000-0000-0000-000000000001)": "00000000-0000-0000-0000-000000000001",
		"https://org.crm.dynamics.com/api/data/v9.2/contacts(emailaddress1='a@b.c')":                "",
		"": "",
	} {
		if got := entityID(http.Header{"Odata-Entityid": {v}}); got != want {
			t.Errorf("entityID(%q) = %q, want %q", v, got, want)
		}
	}
	for msg, want := range map[string]string{
		"Could not find a property named 'nickname' on type 'Microsoft.Dynamics.CRM.contact'.":                                    "nickname",
		"The length of the 'lastname' attribute of the 'contact' entity exceeded the maximum":                                     "lastname",
		"Principal user is missing prvCreateContact privilege":                                                                    "",
		"A validation error occurred. The value 7 of 'crmsync_interests' on record of type 'contact' is outside the valid range.": "crmsync_interests",
	} {
		if got := blamed(msg); got != want {
			t.Errorf("blamed(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestNewGUIDIsVersion4(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		g := newGUID()
		if !re.MatchString(g) || seen[g] {
			t.Fatalf("newGUID() = %q (seen before: %v)", g, seen[g])
		}
		seen[g] = true
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }
