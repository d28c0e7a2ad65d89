package client

import (
	"context"
	"net/http"
)

// Balance is the account's credit.
type Balance struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Balance reads the account's credit. It needs only the balance scope, so it
// also tells whether a key authenticates at all.
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	req := request{method: http.MethodGet, path: "/balance"}
	var balance Balance
	got, err := c.do(ctx, req, &balance)
	if err != nil {
		return nil, err
	}
	if balance.Currency == "" {
		return nil, got.malformed(req, "the answer names no currency", "")
	}
	return &balance, nil
}
