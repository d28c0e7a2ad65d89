package client

import (
	"context"
	"fmt"
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
	if err := c.do(ctx, req, &balance); err != nil {
		return nil, err
	}
	if balance.Currency == "" {
		return nil, fmt.Errorf("%s %s: the answer names no currency", req.method, req.path)
	}
	return &balance, nil
}
