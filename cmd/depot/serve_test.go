package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/api"
	"github.com/depothq/depot/api/client"
	"github.com/depothq/depot/internal/syncbuf"
)

// waitFor polls out until re matches, bounded by a generous deadline (never a timed assertion).
func waitFor(t *testing.T, out *syncbuf.Buffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s in:\n%s", re, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// serveInBackground runs `depot serve` on a free port and returns its URL, its output and a stop
// function that waits for a clean exit.
func serveInBackground(t *testing.T, args ...string) (string, *syncbuf.Buffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), out, errOut)
	}()
	m := waitFor(t, out, regexp.MustCompile(`depot serving (http://\S+)`))
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v; stderr:\n%s", err, errOut.String())
		}
	}
	t.Cleanup(stop)
	return m[1], out, stop
}

func TestKeysAndServe(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"keys", "create", "--data", dir, "--tenant", "acme", "--scope", "admin", "--name", "ops"}, &out, &errOut); err != nil {
		t.Fatalf("keys create: %v", err)
	}
	secret := regexp.MustCompile(`dpk_[A-Za-z0-9_-]{43}`).FindString(out.String())
	id := regexp.MustCompile(`key_[0-9a-f]{16}`).FindString(out.String())
	if secret == "" || id == "" {
		t.Fatalf("keys create printed no key:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"keys", "list", "--data", dir}, &out, &errOut); err != nil || !strings.Contains(out.String(), id) || strings.Contains(out.String(), secret) {
		t.Fatalf("keys list (%v):\n%s", err, out.String())
	}

	url, served, stop := serveInBackground(t, "--data", dir)
	if !strings.Contains(served.String(), "API keys      1 in") {
		t.Fatalf("serve did not say how to get a key:\n%s", served.String())
	}
	c := client.New(url, secret, nil)
	if _, err := c.PutSKU(ctx, "tee", api.SKUSpec{Name: "T-shirt"}); err != nil {
		t.Fatalf("put over the served API: %v", err)
	}
	stop()
	if !strings.Contains(served.String(), "stopped cleanly") {
		t.Fatalf("serve did not stop cleanly:\n%s", served.String())
	}

	// What the first run acknowledged is there after a restart, and the journal verifies.
	out.Reset()
	if err := run(ctx, []string{"verify", "--data", dir}, &out, &errOut); err != nil {
		t.Fatalf("verify after serve: %v\n%s", err, errOut.String())
	}
	url, _, stop = serveInBackground(t, "--data", dir)
	c = client.New(url, secret, nil)
	if sku, err := c.GetSKU(ctx, "tee"); err != nil || sku.Name != "T-shirt" {
		t.Fatalf("after restart: %+v %v", sku, err)
	}
	// Revoking with the CLI while the server runs takes effect without a restart.
	out.Reset()
	if err := run(ctx, []string{"keys", "revoke", id, "--data", dir}, &out, &errOut); err != nil {
		t.Fatalf("keys revoke: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for client.CodeOf(serveErrOf(c.GetSKU(ctx, "tee"))) != api.CodeUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("the running server still accepts a revoked key")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
}

func TestServeDevKey(t *testing.T) {
	dir := t.TempDir()
	url, out, _ := serveInBackground(t, "--data", dir, "--dev-key", "--dev-tenant", "play")
	m := waitFor(t, out, regexp.MustCompile(`dev key\s+(dpk_\S+)`))
	c := client.New(url, m[1], nil)
	if _, err := c.PutSKU(context.Background(), "tee", api.SKUSpec{}); err != nil {
		t.Fatalf("the dev key does not work: %v", err)
	}
	ks, err := api.OpenKeyStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.List("")) != 0 {
		t.Fatal("the dev key was written to disk")
	}
}

func TestKeysUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	ctx := context.Background()
	for _, args := range [][]string{
		{"keys", "create", "--data", t.TempDir()},
		{"keys", "create", "--data", t.TempDir(), "--tenant", "a", "--scope", "root"},
		{"keys", "revoke", "--data", t.TempDir()},
		{"keys", "revoke", "--data", t.TempDir(), "key_nope"},
		{"keys", "rotate"},
	} {
		if err := run(ctx, args, &out, &errOut); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

func serveErrOf[T any](_ T, err error) error { return err }

func TestIntelUTCOffsetFlag(t *testing.T) {
	for _, tc := range []struct {
		in      string
		seconds int64
		text    string
		bad     bool
	}{
		{in: "0", seconds: 0, text: "UTC"},
		{in: "120", seconds: 7200, text: "UTC+02:00"},
		{in: "+60", seconds: 3600, text: "UTC+01:00"},
		{in: "-300", seconds: -18000, text: "UTC-05:00"},
		{in: "2h", seconds: 7200, text: "UTC+02:00"},
		{in: "-5h30m", seconds: -19800, text: "UTC-05:30"},
		{in: "5h45m", seconds: 20700, text: "UTC+05:45"},
		{in: "840", seconds: 50400, text: "UTC+14:00"},
		{in: "841", bad: true},
		{in: "-15h", bad: true},
		{in: "90s", bad: true},
		{in: "two hours", bad: true},
		{in: "", bad: true},
	} {
		var f utcOffsetFlag
		err := f.Set(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %d s", tc.in, int64(f))
			}
			continue
		}
		if err != nil || int64(f) != tc.seconds || f.String() != tc.text {
			t.Errorf("%q: %d s %q, %v; want %d s %q", tc.in, int64(f), f.String(), err, tc.seconds, tc.text)
		}
	}
}

// TestServeIntelUTCOffset: the flag, or DEPOT_INTEL_UTC_OFFSET, reaches the running server's
// intelligence projection (the banner reads it back from there); the command line wins.
func TestServeIntelUTCOffset(t *testing.T) {
	_, out, stop := serveInBackground(t, "--data", t.TempDir(), "--intel-utc-offset", "2h")
	stop()
	if !strings.Contains(out.String(), "hours of day in UTC+02:00") {
		t.Fatalf("serve --intel-utc-offset 2h:\n%s", out.String())
	}
	t.Setenv("DEPOT_INTEL_UTC_OFFSET", "-300")
	_, out, stop = serveInBackground(t, "--data", t.TempDir())
	stop()
	if !strings.Contains(out.String(), "hours of day in UTC-05:00") {
		t.Fatalf("serve with DEPOT_INTEL_UTC_OFFSET=-300:\n%s", out.String())
	}
	_, out, stop = serveInBackground(t, "--data", t.TempDir(), "--intel-utc-offset", "60")
	stop()
	if !strings.Contains(out.String(), "hours of day in UTC+01:00") {
		t.Fatalf("the command line did not win over the environment:\n%s", out.String())
	}
	t.Setenv("DEPOT_INTEL_UTC_OFFSET", "east")
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--data", t.TempDir()}, &bytes.Buffer{}, &errOut); err == nil ||
		!strings.Contains(err.Error(), "DEPOT_INTEL_UTC_OFFSET") {
		t.Fatalf("a bad DEPOT_INTEL_UTC_OFFSET: %v", err)
	}
}
