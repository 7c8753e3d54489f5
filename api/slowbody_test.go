package api_test

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/api"
)

// TestSlowBodyIsCutOff sends a request whose body trickles in slower than the read timeout: the
// server must give up on it (close the connection or answer 4xx) without applying anything.
func TestSlowBodyIsCutOff(t *testing.T) {
	b := newBundle(t, bundleOptions{config: func(c *api.Config) { c.ReadTimeout = 200 * time.Millisecond }})
	seed(t, b.admin)
	before := b.hash()
	key := b.key("acme", api.ScopeWrite)
	conn, err := net.Dial("tcp", strings.TrimPrefix(b.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"id":"slow-1","sku":"tee","location":"wh","qty":5}`
	head := "POST /v1/receipts HTTP/1.1\r\nHost: depot\r\nAuthorization: Bearer " + key +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := conn.Write([]byte(head + body[:10])); err != nil {
		t.Fatal(err)
	}
	// Send the rest long after the timeout; the server has stopped reading by then.
	time.Sleep(600 * time.Millisecond)
	_, _ = conn.Write([]byte(body[10:]))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err == nil && !strings.Contains(line, " 4") {
		t.Fatalf("slow body answered %q, want a 4xx or a closed connection", line)
	}
	if after := b.hash(); after != before {
		t.Fatal("a request cut off by the read timeout changed the state")
	}
}
