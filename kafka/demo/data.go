package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// users is the fixed cast of the demo. A record's key is its user, and
// a user's records always go to the same partition (user index modulo the
// partition count), as a keyed producer would place them.
var users = []string{
	"Alice Martin", "Bruno Silva", "Chloé Dubois", "Dmitri Ivanov", "Elena Rossi", "Farid Haddad",
	"Grace Okafor", "Hugo Lefèvre", "Ines García", "Jonas Berg", "Keiko Tanaka", "Liam Murphy",
	"Maya Cohen", "Noah Schmidt", "Olga Nowak", "Pablo Ruiz", "Quentin Moreau", "Rosa Costa",
	"Sven Larsen", "Tara Singh", "Ugo Bianchi", "Vera Horvat", "Wim de Vries", "Xenia Popescu",
}

// Merchant is where a spent was made.
type Merchant struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"-"`
	MCC      string `json:"mcc"`
	City     string `json:"city"`
	Country  string `json:"country"`
}

var merchants = []Merchant{
	{"m_001", "Carrefour City", "groceries", "5411", "Paris", "FR"},
	{"m_002", "Monoprix", "groceries", "5411", "Lyon", "FR"},
	{"m_003", "SNCF Connect", "transport", "4112", "Paris", "FR"},
	{"m_004", "Uber", "transport", "4121", "Amsterdam", "NL"},
	{"m_005", "Le Petit Bistro", "restaurants", "5812", "Bordeaux", "FR"},
	{"m_006", "Pizzeria Napoli", "restaurants", "5812", "Milan", "IT"},
	{"m_007", "Fnac", "electronics", "5732", "Paris", "FR"},
	{"m_008", "MediaMarkt", "electronics", "5732", "Berlin", "DE"},
	{"m_009", "Pharmacie du Centre", "health", "5912", "Nantes", "FR"},
	{"m_010", "Decathlon", "sports", "5941", "Lille", "FR"},
	{"m_011", "Hotel Ibis", "travel", "7011", "Madrid", "ES"},
	{"m_012", "Spotify", "subscriptions", "5815", "Stockholm", "SE"},
}

var itemsByCategory = map[string][]struct {
	name  string
	cents int
}{
	"groceries":     {{"baguette", 110}, {"coffee beans 1kg", 1890}, {"olive oil", 899}, {"apples 1kg", 349}, {"yoghurt x4", 265}},
	"transport":     {{"train ticket", 4500}, {"ride", 1720}, {"metro pass", 8640}},
	"restaurants":   {{"menu du jour", 1850}, {"pizza margherita", 1100}, {"espresso", 250}, {"tiramisu", 700}},
	"electronics":   {{"usb-c cable", 1999}, {"headphones", 12900}, {"e-reader", 14999}},
	"health":        {{"paracetamol", 215}, {"sunscreen", 1450}},
	"sports":        {{"running shoes", 8999}, {"water bottle", 799}, {"yoga mat", 1999}},
	"travel":        {{"room night", 7900}, {"breakfast", 1200}},
	"subscriptions": {{"premium monthly", 1199}},
}

var tagPool = []string{"card", "contactless", "recurring", "business", "refundable", "foreign", "split", "online"}

// Spent is the value of a spent_detail_topic record.
type Spent struct {
	SpentID   string    `json:"spent_id"`
	User      SpentUser `json:"user"`
	Amount    Amount    `json:"amount"`
	Category  string    `json:"category"`
	Merchant  Merchant  `json:"merchant"`
	Items     []Item    `json:"items"`
	Tags      []string  `json:"tags"`
	Payment   Payment   `json:"payment"`
	CreatedAt time.Time `json:"created_at"`
}

// SpentUser is the user a spent belongs to.
type SpentUser struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Amount is a money amount.
type Amount struct {
	Value    float64 `json:"value"`
	Currency string  `json:"currency"`
}

// Item is one line of a spent.
type Item struct {
	SKU       string  `json:"sku"`
	Name      string  `json:"name"`
	Quantity  int     `json:"qty"`
	UnitPrice float64 `json:"unit_price"`
}

// Payment says how a spent was paid.
type Payment struct {
	Method    string `json:"method"`
	CardLast4 string `json:"card_last4,omitempty"`
}

// UserEvent is the value of a user_events record.
type UserEvent struct {
	EventID string         `json:"event_id"`
	UserID  string         `json:"user_id"`
	Type    string         `json:"type"`
	At      time.Time      `json:"at"`
	Session Session        `json:"session"`
	Props   map[string]any `json:"props,omitempty"`
}

// Session is the client session of a user event.
type Session struct {
	ID     string `json:"id"`
	Device string `json:"device"`
	IP     string `json:"ip"`
}

// Order is the value of an orders record.
type Order struct {
	OrderID string    `json:"order_id"`
	UserID  string    `json:"user_id"`
	Status  string    `json:"status"`
	Total   Amount    `json:"total"`
	Lines   int       `json:"lines"`
	At      time.Time `json:"at"`
}

func userID(u int) string { return fmt.Sprintf("u_%03d", u+1) }

// generator builds deterministic demo records: the same seed and indexes
// give the same bytes.
type generator struct {
	rng *rand.Rand
}

func newGenerator(seed uint64) *generator {
	return &generator{rng: rand.New(rand.NewPCG(seed, 0x6b67726f757073))}
}

func (g *generator) pick(n int) int { return g.rng.IntN(n) }

// spent builds spent number i at ts, keyed by its user, on the user's partition.
func (g *generator) spent(i int, ts time.Time) *kgo.Record {
	u := i % len(users)
	m := merchants[g.pick(len(merchants))]
	catalogue := itemsByCategory[m.Category]
	var items []Item
	cents := 0
	for n := 1 + g.pick(3); n > 0; n-- {
		it := catalogue[g.pick(len(catalogue))]
		qty := 1 + g.pick(3)
		items = append(items, Item{
			SKU:       fmt.Sprintf("sku-%s-%02d", m.ID[2:], g.pick(90)+10),
			Name:      it.name,
			Quantity:  qty,
			UnitPrice: float64(it.cents) / 100,
		})
		cents += qty * it.cents
	}
	tags := []string{}
	for _, t := range tagPool {
		if g.pick(4) == 0 {
			tags = append(tags, t)
		}
	}
	pay := Payment{Method: "card", CardLast4: fmt.Sprintf("%04d", g.pick(10000))}
	if g.pick(5) == 0 {
		pay = Payment{Method: "transfer"}
	}
	s := Spent{
		SpentID: fmt.Sprintf("sp_%06d", i+1),
		User: SpentUser{
			ID:    userID(u),
			Name:  users[u],
			Email: fmt.Sprintf("user%03d@example.com", u+1),
		},
		Amount:    Amount{Value: float64(cents) / 100, Currency: "EUR"},
		Category:  m.Category,
		Merchant:  m,
		Items:     items,
		Tags:      tags,
		Payment:   pay,
		CreatedAt: ts.UTC(),
	}
	return &kgo.Record{
		Topic:     SpentTopic,
		Partition: int32(u % SpentPartitions),
		Key:       []byte(s.User.ID),
		Value:     mustJSON(s),
		Timestamp: ts,
		Headers: []kgo.RecordHeader{
			{Key: "content-type", Value: []byte("application/json")},
			{Key: "trace-id", Value: fmt.Appendf(nil, "%016x", g.rng.Uint64())},
			{Key: "producer", Value: []byte("spent-api")},
		},
	}
}

var eventTypes = []string{"login", "page_view", "page_view", "page_view", "search", "add_to_cart", "purchase", "logout"}
var devices = []string{"ios", "android", "web", "web"}

// userEvent builds user event number i at ts, keyed by its user.
func (g *generator) userEvent(i int, ts time.Time) *kgo.Record {
	u := i % len(users)
	e := UserEvent{
		EventID: fmt.Sprintf("ev_%07d", i+1),
		UserID:  userID(u),
		Type:    eventTypes[g.pick(len(eventTypes))],
		At:      ts.UTC(),
		Session: Session{
			ID:     fmt.Sprintf("s_%08x", g.rng.Uint32()),
			Device: devices[g.pick(len(devices))],
			IP:     fmt.Sprintf("10.%d.%d.%d", g.pick(256), g.pick(256), 1+g.pick(254)),
		},
	}
	switch e.Type {
	case "page_view":
		e.Props = map[string]any{"path": fmt.Sprintf("/spent/%d", 1000+g.pick(9000))}
	case "search":
		e.Props = map[string]any{"query": merchants[g.pick(len(merchants))].Name}
	case "purchase":
		e.Props = map[string]any{"amount": float64(100+g.pick(20000)) / 100, "currency": "EUR"}
	}
	return &kgo.Record{
		Topic:     UserEventsTopic,
		Partition: int32(u % UserEventsPartitions),
		Key:       []byte(e.UserID),
		Value:     mustJSON(e),
		Timestamp: ts,
		Headers:   []kgo.RecordHeader{{Key: "content-type", Value: []byte("application/json")}},
	}
}

var orderStatuses = []string{"created", "paid", "shipped", "delivered", "cancelled"}

// order builds order number i at ts.
func (g *generator) order(i int, ts time.Time) *kgo.Record {
	o := Order{
		OrderID: fmt.Sprintf("ord_%06d", i+1),
		UserID:  userID(g.pick(len(users))),
		Status:  orderStatuses[g.pick(len(orderStatuses))],
		Total:   Amount{Value: float64(500+g.pick(30000)) / 100, Currency: "EUR"},
		Lines:   1 + g.pick(6),
		At:      ts.UTC(),
	}
	return &kgo.Record{
		Topic:     OrdersTopic,
		Partition: int32(i % OrdersPartitions),
		Key:       []byte(o.OrderID),
		Value:     mustJSON(o),
		Timestamp: ts,
	}
}

// oddRecords are the records that are not plain JSON objects, for the
// viewers' safe rendering: plain text, binary, invalid UTF-8 in key and
// value, a tombstone, an empty value, and terminal escape sequences both
// raw and inside a JSON string.
func oddRecords(partition int32) []*kgo.Record {
	rec := func(key, value []byte, headers ...kgo.RecordHeader) *kgo.Record {
		return &kgo.Record{Topic: SpentTopic, Partition: partition, Key: key, Value: value, Headers: headers}
	}
	return []*kgo.Record{
		rec([]byte("ops"), []byte("nightly spent export finished: 3000 rows in 4.2s"),
			kgo.RecordHeader{Key: "content-type", Value: []byte("text/plain")}),
		rec(nil, []byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x4b, 0xcb, 0xcf, 0x07, 0x00, 0x21, 0x65, 0x73, 0x8c, 0x03, 0x00, 0x00, 0x00},
			kgo.RecordHeader{Key: "content-encoding", Value: []byte("gzip")}),
		rec([]byte{0xff, 0xfe, 'u', '_', '0', '0', '7'}, []byte("caf\xe9 cr\xe8me br\xfbl\xe9e (latin-1, not UTF-8)"),
			kgo.RecordHeader{Key: "charset", Value: []byte{'l', 'a', 't', 'i', 'n', 0xb9}}),
		rec([]byte("u_006"), nil), // tombstone: null value
		rec([]byte("u_012"), []byte{}),
		rec([]byte("u_018"), []byte("\x1b[2J\x1b[31;1mALERT\x1b[0m spent over limit\x1b]0;owned title\x07\r\n\x08\x08done")),
		rec([]byte("u_024"), []byte(`{"spent_id":"sp_escape","note":"\u001b[31mred\u001b[0m and a bell \u0007","user":{"id":"u_024"}}`),
			kgo.RecordHeader{Key: "content-type", Value: []byte("application/json")}),
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own fixed types go through here.
		panic(fmt.Sprintf("demo: marshal %T: %v", v, err))
	}
	return b
}
