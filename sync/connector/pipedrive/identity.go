package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// identify reads users/me after the sign-in: the company's id, which a
// domain rename keeps (Pipedrive's "Getting user data" guide: company_id,
// not the domain or an email, identifies the account), and its current
// domain and name for display. One call, at connect only.
func identify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+mePath, nil)
	if err != nil {
		return connector.Discovery{}, fmt.Errorf("users/me: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return connector.Discovery{}, fmt.Errorf("users/me: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return connector.Discovery{}, fmt.Errorf("users/me: read the answer: %w", err)
	}
	var env struct {
		Error string `json:"error"`
		Data  struct {
			CompanyID     json.Number `json:"company_id"`
			CompanyName   string      `json:"company_name"`
			CompanyDomain string      `json:"company_domain"`
		} `json:"data"`
	}
	decErr := json.Unmarshal(body, &env)
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(env.Error)
		if msg == "" {
			msg = strings.TrimSpace(string(body))
		}
		return connector.Discovery{}, fmt.Errorf("users/me: HTTP %d: %s", resp.StatusCode, msg)
	}
	if decErr != nil {
		return connector.Discovery{}, fmt.Errorf("users/me: the answer is not a user: %w", decErr)
	}
	id := env.Data.CompanyID.String()
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return connector.Discovery{}, fmt.Errorf(`users/me: answer has no "data.company_id"`)
	}
	name := firstNonBlank(env.Data.CompanyDomain, env.Data.CompanyName, id)
	return connector.Discovery{AccountID: id, AccountName: name + " (company " + id + ")"}, nil
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
