package sandbox_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// TestConcurrentUse creates, lists and deletes from many goroutines at once
// (run it with -race): keys stay distinct, the quota holds, and one
// Idempotency-Key never makes two keys.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const (
		quota   = 30
		workers = 8
		rounds  = 30
	)
	e := newEnv(t, sandbox.Options{KeyQuota: quota})

	do := func(method, path, body string, headers ...string) (int, http.Header, []byte) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, e.Endpoint+path, rd)
		req.Header.Set("X-Api-Key", rootKey)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}

	var (
		mu          sync.Mutex
		createdKeys = map[string]string{} // key → id
		createdIDs  = map[string]bool{}
		byIdem      = map[string]map[string]bool{} // Idempotency-Key → ids answered
		madeByIdem  = map[string]int{}             // Idempotency-Key → keys made (not replayed)
		deleted     int
		conflicts   int
	)
	recordCreate := func(status int, header http.Header, body []byte, idem string) string {
		if status == http.StatusConflict {
			mu.Lock()
			conflicts++
			mu.Unlock()
			return ""
		}
		if status != http.StatusCreated {
			t.Errorf("create: %d %s", status, body)
			return ""
		}
		var k keyView
		if err := json.Unmarshal(body, &k); err != nil {
			t.Error(err)
			return ""
		}
		mu.Lock()
		defer mu.Unlock()
		replayed := header.Get("Idempotent-Replayed") == "true"
		if idem != "" {
			if byIdem[idem] == nil {
				byIdem[idem] = map[string]bool{}
			}
			byIdem[idem][k.ID] = true
			if !replayed {
				madeByIdem[idem]++
			}
		}
		if replayed {
			return ""
		}
		if other, dup := createdKeys[k.Key]; dup {
			t.Errorf("key of %s handed out again for %s", other, k.ID)
		}
		if createdIDs[k.ID] {
			t.Errorf("id %s handed out twice", k.ID)
		}
		createdKeys[k.Key] = k.ID
		createdIDs[k.ID] = true
		return k.ID
	}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var mine []string
			for i := range rounds {
				switch i % 5 {
				case 0, 1:
					status, h, b := do(http.MethodPost, "/api_keys", fmt.Sprintf(`{"label":"w%d-%d"}`, w, i))
					if id := recordCreate(status, h, b, ""); id != "" {
						mine = append(mine, id)
					}
				case 2:
					idem := fmt.Sprintf("shared-%d", i%4)
					status, h, b := do(http.MethodPost, "/api_keys", `{"label":"`+idem+`"}`, "Idempotency-Key", idem)
					recordCreate(status, h, b, idem)
				case 3:
					status, _, b := do(http.MethodGet, "/api_keys?limit=100", "")
					var l keyList
					if status != http.StatusOK || json.Unmarshal(b, &l) != nil {
						t.Errorf("list: %d %s", status, b)
						continue
					}
					if l.PagingMetadata.Total > quota || len(l.Data) != l.PagingMetadata.Count {
						t.Errorf("list: total %d count %d with %d items, quota %d", l.PagingMetadata.Total, l.PagingMetadata.Count, len(l.Data), quota)
					}
				case 4:
					if len(mine) == 0 {
						continue
					}
					status, _, b := do(http.MethodDelete, "/api_keys/"+mine[0], "")
					if status != http.StatusNoContent {
						t.Errorf("delete: %d %s", status, b)
						continue
					}
					mine = mine[1:]
					mu.Lock()
					deleted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()

	for idem, idsSeen := range byIdem {
		if len(idsSeen) != 1 || madeByIdem[idem] != 1 {
			t.Errorf("Idempotency-Key %s: answered ids %v, keys made %d; want one id, one key", idem, idsSeen, madeByIdem[idem])
		}
	}
	if conflicts == 0 {
		t.Error("no create met the quota; the test did not press on it")
	}
	l := e.list(t, rootKey, "?limit=100")
	if want := 1 + len(createdIDs) - deleted; l.PagingMetadata.Total != want || want > quota {
		t.Errorf("keys held = %d, want %d (first + %d made - %d deleted) within the quota of %d",
			l.PagingMetadata.Total, want, len(createdIDs), deleted, quota)
	}
}
