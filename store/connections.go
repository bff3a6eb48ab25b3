package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound means the named row does not exist.
var ErrNotFound = errors.New("not found")

// Connection is a connected CRM account. It never holds a secret.
type Connection struct {
	ID           int64
	Name         string
	Vendor       string
	AuthKind     string // "oauth" or "token"
	AccountID    string
	AccountName  string
	APIBase      string
	OAuth        string // JSON of non-secret OAuth facts
	Status       string // connected | reconnect | error
	StatusDetail string
	DailyBudget  int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const connectionCols = "id, name, vendor, auth_kind, account_id, account_name, api_base, oauth, status, status_detail, daily_budget, created_at, updated_at"

func scanConnection(row interface{ Scan(...any) error }) (Connection, error) {
	var c Connection
	var created, updated int64
	err := row.Scan(&c.ID, &c.Name, &c.Vendor, &c.AuthKind, &c.AccountID, &c.AccountName, &c.APIBase, &c.OAuth, &c.Status, &c.StatusDetail, &c.DailyBudget, &created, &updated)
	c.CreatedAt, c.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	return c, err
}

// SaveConnection inserts or updates a connection by name and returns its id.
func (s *DB) SaveConnection(ctx context.Context, c Connection) (int64, error) {
	if c.AuthKind == "" {
		c.AuthKind = "oauth"
	}
	if c.Status == "" {
		c.Status = "connected"
	}
	if c.OAuth == "" {
		c.OAuth = "{}"
	}
	now := s.nowMS()
	var id int64
	err := s.sql.QueryRowContext(ctx, `INSERT INTO connections(name, vendor, auth_kind, account_id, account_name, api_base, oauth, status, status_detail, daily_budget, created_at, updated_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET vendor=excluded.vendor, auth_kind=excluded.auth_kind, account_id=excluded.account_id,
		  account_name=excluded.account_name, api_base=excluded.api_base, oauth=excluded.oauth, status=excluded.status,
		  status_detail=excluded.status_detail, daily_budget=excluded.daily_budget, updated_at=excluded.updated_at
		RETURNING id`,
		c.Name, c.Vendor, c.AuthKind, c.AccountID, c.AccountName, c.APIBase, c.OAuth, c.Status, c.StatusDetail, c.DailyBudget, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: save connection %q: %w", c.Name, err)
	}
	return id, nil
}

// Connection returns the connection with the given name.
func (s *DB) Connection(ctx context.Context, name string) (Connection, error) {
	c, err := scanConnection(s.sql.QueryRowContext(ctx, "SELECT "+connectionCols+" FROM connections WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: connection %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: connection %q: %w", name, err)
	}
	return c, nil
}

// Connections lists all connections by name.
func (s *DB) Connections(ctx context.Context) ([]Connection, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT "+connectionCols+" FROM connections ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: list connections: %w", err)
	}
	defer rows.Close()
	var out []Connection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list connections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetConnectionStatus records connected / reconnect / error with a detail.
func (s *DB) SetConnectionStatus(ctx context.Context, name, status, detail string) error {
	res, err := s.sql.ExecContext(ctx, "UPDATE connections SET status = ?, status_detail = ?, updated_at = ? WHERE name = ?", status, detail, s.nowMS(), name)
	if err != nil {
		return fmt.Errorf("store: connection %q status: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: connection %q: %w", name, ErrNotFound)
	}
	return nil
}

// DeleteConnection removes a connection row.
func (s *DB) DeleteConnection(ctx context.Context, name string) error {
	res, err := s.sql.ExecContext(ctx, "DELETE FROM connections WHERE name = ?", name)
	if err != nil {
		return fmt.Errorf("store: delete connection %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: connection %q: %w", name, ErrNotFound)
	}
	return nil
}

// UsageDay is today's day (UTC) of the API usage counts.
func (s *DB) UsageDay() string { return s.now().UTC().Format("2006-01-02") }

// AddAPICalls adds n calls to today's (UTC) usage and returns today's total.
func (s *DB) AddAPICalls(ctx context.Context, connectionID int64, n int) (int, error) {
	day := s.UsageDay()
	var total int
	err := s.sql.QueryRowContext(ctx, `INSERT INTO api_usage(connection_id, day, calls) VALUES(?,?,?)
		ON CONFLICT(connection_id, day) DO UPDATE SET calls = calls + excluded.calls RETURNING calls`, connectionID, day, n).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("store: api usage: %w", err)
	}
	return total, nil
}

// APICallsToday returns today's (UTC) call count for a connection.
func (s *DB) APICallsToday(ctx context.Context, connectionID int64) (int, error) {
	day := s.UsageDay()
	var total int
	err := s.sql.QueryRowContext(ctx, "SELECT calls FROM api_usage WHERE connection_id = ? AND day = ?", connectionID, day).Scan(&total)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: api usage: %w", err)
	}
	return total, nil
}

// SetConnectionAPIBase records a connection's new API base (a vendor's
// refresh named another, as Pipedrive's api_domain does after a rename).
func (s *DB) SetConnectionAPIBase(ctx context.Context, name, base string) error {
	if _, err := s.sql.ExecContext(ctx, "UPDATE connections SET api_base = ?, updated_at = ? WHERE name = ? AND api_base <> ?", base, s.nowMS(), name, base); err != nil {
		return fmt.Errorf("store: connection %q API base: %w", name, err)
	}
	return nil
}
