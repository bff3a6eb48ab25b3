package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// jsonEncoders are how JSON encoders in vendors' and gateways' stacks
// write a string: Gson (Java) escapes "=" and "'" as \u003d and \u0027,
// .NET's System.Text.Json escapes "+" as \u002B, PHP escapes "/" as "\/".
// Each reads back, once decoded, as the string itself.
var jsonEncoders = map[string]func(string) string{
	"gson":             strings.NewReplacer("=", `\u003d`, "'", `\u0027`).Replace,
	"system.text.json": strings.NewReplacer("+", `\u002B`, "'", `\u0027`).Replace,
	"php+gson":         strings.NewReplacer("/", `\/`, "=", `\u003d`).Replace,
}

// escapingEchoServer answers every call with status and a JSON body whose
// message quotes the request's Authorization header, written by encode.
func escapingEchoServer(t *testing.T, status int, encode func(string) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"status":"error","message":"%s"}`, encode("request rejected; Authorization: "+r.Header.Get("Authorization")))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// decodedMessage calls url through c and decodes the answer's message, as
// a connector quoting the vendor's words does.
func decodedMessage(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans struct{ Message string }
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &ans); err != nil || ans.Message == "" {
		t.Fatalf("the answer is not the echo: %v %q", err, b)
	}
	return ans.Message
}

// TestEscapedEchoNeverLeaksToken: a vendor or gateway that echoes
// the request's Authorization header through a JSON encoder escaping some
// of the token's characters (Pipedrive's tokens hold + / =) must not hand
// the connector, once it decodes the message, the token: neither in a
// refused call's answer nor in a successful one (a 207's per-record text),
// neither for an OAuth token nor for a pasted key sent as Basic.
func TestEscapedEchoNeverLeaksToken(t *testing.T) {
	for name, encode := range jsonEncoders {
		for _, status := range []int{http.StatusBadRequest, http.StatusMultiStatus} {
			srv := escapingEchoServer(t, status, encode)
			store := secret.NewMemory()
			live := &oauth2.Token{AccessToken: auditAccess, RefreshToken: auditRefresh, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
			if err := Save(context.Background(), store, connKey, live); err != nil {
				t.Fatal(err)
			}
			ts := NewTokenSource(context.Background(), Endpoint{Vendor: "pipedrive", TokenURL: srv.URL + "/oauth/token"}, store, connKey, nil)
			if msg := decodedMessage(t, Client(srv.Client(), ts), srv.URL+"/api/v2/persons"); strings.Contains(msg, auditAccess) {
				t.Errorf("%s, HTTP %d: the OAuth token reached the decoded message: %s", name, status, msg)
			}
			// A key whose Basic credential's base64 holds "+", "/" and "=".
			key, basic := ">>??~~ab-us6", "Y3Jtc3luYzo+Pj8/fn5hYi11czY="
			if msg := decodedMessage(t, StaticClient(srv.Client(), "Authorization", "Basic ", basic, key), srv.URL+"/3.0/lists"); strings.Contains(msg, basic) {
				t.Errorf("%s, HTTP %d: the Basic credential reached the decoded message: %s", name, status, msg)
			}
		}
	}
}

// TestUnescapeKeepsJSON: the scrub's unescaping leaves JSON that
// decodes as it did, for an escaped backslash before a "u00" too, and a
// stream split at every byte reads the same as a whole one.
func TestUnescapeKeepsJSON(t *testing.T) {
	in := `{"a":"x\u003dy\/z \\u003d \u0022q\u0022 \u005c \u00e9 \u0041"}`
	var before, after map[string]string
	if err := json.Unmarshal([]byte(in), &before); err != nil {
		t.Fatal(err)
	}
	got := unescapeJSONASCII([]byte(in))
	if err := json.Unmarshal(got, &after); err != nil || after["a"] != before["a"] {
		t.Fatalf("unescaped %s to %s: %q, want %q (%v)", in, got, after["a"], before["a"], err)
	}
	const tok = "v1u:AQ+Lz/T=="
	stream := `{"m":"` + strings.Repeat("p", 32<<10-9) + `t \\u003d ` + strings.NewReplacer("=", `\u003d`, "+", `\u002B`, "/", `\/`).Replace(tok) + `"}`
	for name, src := range map[string]io.Reader{"one byte": iotest.OneByteReader(strings.NewReader(stream)), "whole": strings.NewReader(stream)} {
		b, err := io.ReadAll(newScrubReader(io.NopCloser(src), []string{tok}))
		var m map[string]string
		if err != nil || json.Unmarshal(b, &m) != nil || strings.Contains(m["m"], tok) || !strings.HasSuffix(m["m"], `t \u003d [redacted]`) {
			t.Errorf("%s: %v, tail %q", name, err, b[max(0, len(b)-40):])
		}
	}
}

// TestCSVAnswerKeepsBackslashes: a CSV answer (bulk results) is
// data, not JSON: a field holding "\u003d" reaches the connector as it
// is, while a token in it is still redacted.
func TestCSVAnswerKeepsBackslashes(t *testing.T) {
	const tok = "v1u:AQ+Lz/T=="
	in := "Id,Description\n001,\"C:\\u003d\\dir\"\n002," + tok + "\n"
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/csv; charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(in))}
	b, err := io.ReadAll(scrubResponse(resp, tok).Body)
	if want := strings.Replace(in, tok, "[redacted]", 1); err != nil || string(b) != want {
		t.Errorf("CSV answer read as %q (%v), want %q", b, err, want)
	}
}

// TestRefreshEscapedEchoNotInError: a token endpoint whose
// plain-text error quotes JSON it built from the request, with the refresh
// token's "=" and "+" escaped (Gson, System.Text.Json), must not put the
// token in the error, which shows the body as it came: read with its
// escapes undone, as anyone can, the message holds no refresh token.
func TestRefreshEscapedEchoNotInError(t *testing.T) {
	for name, encode := range jsonEncoders {
		srv := echoingTokenEndpoint(t, func(w http.ResponseWriter, r *http.Request, body string) {
			q, _ := url.ParseQuery(body)
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `upstream said {"refresh_token":"`+encode(q.Get("refresh_token"))+`"}`)
		})
		ep := Endpoint{Vendor: "pipedrive", TokenURL: srv.URL + "/oauth/token", ClientID: auditClient, ClientSecret: auditSecret}
		err := refreshExpired(t, ep, srv)
		if err == nil {
			t.Fatalf("%s: the refresh should fail", name)
		}
		if read := string(unescapeJSONASCII([]byte(err.Error()))); strings.Contains(read, auditRefresh) {
			t.Errorf("%s: the error quotes the refresh token escaped: %v", name, err)
		}
	}
}

// TestAnswerWithoutSecretKeepsEveryByte: an answer with escapes but
// no secret (a Dataverse $batch part whose inner Content-Length counts
// the bytes of "can\u0027t") comes through byte for byte, failed or not.
func TestAnswerWithoutSecretKeepsEveryByte(t *testing.T) {
	in := "--batch\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 46\r\n\r\n" +
		`{"error":{"message":"can\u0027t write \u003d"}}` + "\r\n--batch--\r\n"
	for _, status := range []int{http.StatusOK, http.StatusBadRequest} {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"multipart/mixed; boundary=batch"}},
			Body: io.NopCloser(iotest.OneByteReader(strings.NewReader(in)))}
		if b, err := io.ReadAll(scrubResponse(resp, auditAccess).Body); err != nil || string(b) != in {
			t.Errorf("HTTP %d: read %q (%v), want it as sent", status, b, err)
		}
	}
}
