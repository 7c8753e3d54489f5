package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/depothq/depot"
)

// The catalogue: SKUs by category with plausible names, weights and prices, and a few kits. A
// SKU's id is its category code and a number (COF-0007), stable for a given seed and size.

// category describes how SKUs of one kind look.
type category struct {
	code  string
	name  string
	quick bool // sold by dark stores as well as shipped
	share float64
	items []string
	sizes []string
	// grams and cents bound a unit's weight and price (minor units, euro cents).
	gramsMin, gramsMax int64
	centsMin, centsMax int64
}

var categories = []category{
	{"COF", "Coffee & Tea", true, 0.07, []string{"Espresso Beans", "Filter Coffee", "Oat Latte", "Green Tea", "Chai", "Earl Grey", "Decaf Beans", "Cold Brew"},
		[]string{"250 g", "500 g", "1 kg"}, 250, 1000, 349, 1899},
	{"DAI", "Dairy & Eggs", true, 0.10, []string{"Whole Milk", "Oat Drink", "Greek Yoghurt", "Butter", "Free-Range Eggs", "Skyr", "Mozzarella", "Gouda Slices"},
		[]string{"small", "regular", "family"}, 150, 1200, 99, 599},
	{"BAK", "Bakery", true, 0.07, []string{"Sourdough Loaf", "Croissants", "Pretzel Rolls", "Rye Bread", "Bagels", "Cinnamon Buns"},
		[]string{"single", "4-pack", "6-pack"}, 80, 900, 89, 549},
	{"SNK", "Snacks & Sweets", true, 0.12, []string{"Sea Salt Crisps", "Dark Chocolate", "Gummy Bears", "Trail Mix", "Rice Cakes", "Protein Bar", "Salted Peanuts", "Oat Cookies"},
		[]string{"40 g", "125 g", "200 g"}, 40, 400, 79, 449},
	{"BEV", "Beverages", true, 0.12, []string{"Sparkling Water", "Cola", "Orange Juice", "Club-Mate", "Lemonade", "Iced Tea", "Energy Drink", "Craft Lager"},
		[]string{"0.33 l", "0.5 l", "1.5 l", "6-pack"}, 350, 9500, 59, 899},
	{"HOU", "Household", true, 0.07, []string{"Dish Soap", "Laundry Pods", "Paper Towels", "Bin Bags", "Sponges", "All-Purpose Cleaner"},
		[]string{"single", "multi-pack"}, 150, 3000, 149, 1499},
	{"PER", "Personal Care", true, 0.07, []string{"Toothpaste", "Shampoo", "Shower Gel", "Deodorant", "Hand Cream", "Sunscreen SPF 30"},
		[]string{"50 ml", "250 ml", "500 ml"}, 60, 600, 129, 1299},
	{"BAB", "Baby", true, 0.04, []string{"Nappies Size 3", "Nappies Size 4", "Baby Wipes", "Fruit Pouch", "Baby Formula"},
		[]string{"single", "value pack"}, 100, 4000, 99, 3499},
	{"PET", "Pet", true, 0.04, []string{"Cat Food Pouch", "Dog Kibble", "Cat Litter", "Dog Treats"},
		[]string{"small", "large"}, 85, 10000, 69, 2999},
	{"ELA", "Electronics Accessories", false, 0.08, []string{"USB-C Cable", "Phone Charger", "Power Bank", "Earbuds", "Phone Case", "HDMI Cable", "Smart Plug"},
		[]string{"standard", "pro"}, 30, 500, 799, 7999},
	{"HOM", "Home & Kitchen", false, 0.11, []string{"Chef's Knife", "Frying Pan", "Bath Towel", "Storage Jars", "Cutting Board", "French Press", "Desk Lamp", "Bed Sheet Set"},
		[]string{"S", "M", "L"}, 200, 4000, 999, 8999},
	{"APP", "Apparel Basics", false, 0.11, []string{"Cotton T-Shirt", "Hoodie", "Socks 5-Pack", "Rain Jacket", "Chinos", "Beanie"},
		[]string{"S", "M", "L", "XL"}, 60, 900, 799, 8999},
}

// kitNames name the bundles; each is built from quick SKUs so it can ship from a dark store too.
var kitNames = []string{
	"Breakfast Box", "Movie Night Bundle", "Picnic Set", "Office Snack Crate", "New Parent Kit",
	"Cleaning Starter Set", "Coffee Lover Box", "Party Drinks Pack", "Self-Care Box", "Pet Welcome Kit",
	"Barbecue Bundle", "Study Fuel Box",
}

// buildCatalogue returns n SKUs spread over the categories by share, then the kits.
func buildCatalogue(rng *rand.Rand, n, kits int) []SKU {
	skus := make([]SKU, 0, n+kits)
	remaining := n
	for ci, c := range categories {
		count := int(float64(n)*c.share + 0.5)
		if ci == len(categories)-1 || count > remaining {
			count = remaining
		}
		remaining -= count
		for i := range count {
			item := c.items[rng.IntN(len(c.items))]
			size := c.sizes[rng.IntN(len(c.sizes))]
			skus = append(skus, SKU{
				ID:          fmt.Sprintf("%s-%04d", c.code, i+1),
				Name:        fmt.Sprintf("%s %s", item, size),
				Category:    c.name,
				Quick:       c.quick && rng.Float64() < quickAssortmentShare,
				WeightGrams: c.gramsMin + rng.Int64N(c.gramsMax-c.gramsMin+1),
				PriceMinor:  roundPrice(c.centsMin + rng.Int64N(c.centsMax-c.centsMin+1)),
			})
		}
	}
	var quick []int
	for i := range skus {
		if skus[i].Quick {
			quick = append(quick, i)
		}
	}
	for k := 0; k < kits && len(quick) >= 4; k++ {
		parts := 2 + rng.IntN(3)
		kit := SKU{ID: fmt.Sprintf("KIT-%04d", k+1), Name: kitNames[k%len(kitNames)], Category: "Bundles", Quick: true}
		if k >= len(kitNames) {
			kit.Name = fmt.Sprintf("%s %d", kitNames[k%len(kitNames)], k/len(kitNames)+1)
		}
		used := map[int]bool{}
		var price int64
		for len(kit.Components) < parts {
			i := quick[rng.IntN(len(quick))]
			if used[i] {
				continue
			}
			used[i] = true
			qty := int64(1 + rng.IntN(2))
			kit.Components = append(kit.Components, depot.Component{SKU: skus[i].ID, Qty: qty})
			kit.WeightGrams += skus[i].WeightGrams * qty
			price += skus[i].PriceMinor * qty
		}
		// Bundles sell at about a tenth off the sum of their parts.
		kit.PriceMinor = roundPrice(price * 9 / 10)
		skus = append(skus, kit)
	}
	return skus
}

// roundPrice ends a price in 9 cents, as shelf prices do.
func roundPrice(cents int64) int64 {
	if cents < 10 {
		return 9
	}
	return cents/10*10 + 9
}
