package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/depothq/depot"
)

// The OpenAPI 3.1 document is generated at start-up from the route table and, by reflection, from
// the very Go types the handlers decode and encode, so it cannot drift from the code. Struct tags
// add what reflection cannot see: doc (a description), enum (allowed values, or @event_kinds) and
// required. A test checks that every route of the table is in the document and nothing else is.

// APIVersion is the version of the HTTP API in the document's info.
const APIVersion = "1.0.0"

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// schemaGen turns Go types into JSON Schema (draft 2020-12, as OpenAPI 3.1 uses), collecting
// named structs under components/schemas.
type schemaGen struct {
	schemas map[string]any
}

func (g *schemaGen) ref(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Command]() {
		return g.commandSchema()
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Uint64, reflect.Uint32, reflect.Uint:
		return map[string]any{"type": "integer", "format": "uint64", "minimum": 0}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.ref(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.schemas[name]; !ok {
			g.schemas[name] = nil // break cycles
			g.schemas[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic(fmt.Sprintf("api: openapi: no schema for %s", t))
}

// object describes a struct, flattening embedded structs as encoding/json does.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s := g.ref(f.Type)
			if enum := enumValues(f.Tag.Get("enum")); enum != nil {
				if f.Type.Kind() == reflect.Slice {
					s = map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": enum}}
				} else {
					s = map[string]any{"type": "string", "enum": enum}
				}
			}
			if doc := f.Tag.Get("doc"); doc != "" {
				if _, isRef := s["$ref"]; isRef {
					s = map[string]any{"allOf": []any{s}, "description": doc}
				} else {
					s["description"] = doc
				}
			}
			props[name] = s
			if f.Tag.Get("required") == "true" {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		out["required"] = slices.Compact(required)
	}
	return out
}

func enumValues(tag string) []any {
	if tag == "" {
		return nil
	}
	var names []string
	if tag == "@event_kinds" {
		// Kinds come in numbered blocks with gaps between them (advertising starts at 60).
		for k := depot.EventKind(1); k < 255; k++ {
			if k.String() != "unknown" {
				names = append(names, k.String())
			}
		}
	} else {
		names = strings.Split(tag, ",")
	}
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// commandSchema is a batch command: one of the command types with its kind, discriminated by kind.
func (g *schemaGen) commandSchema() map[string]any {
	const name = "BatchCommand"
	if _, ok := g.schemas[name]; !ok {
		g.schemas[name] = nil
		var oneOf []any
		mapping := map[string]any{}
		for _, k := range commandKinds {
			t := reflect.TypeOf(k.new()).Elem()
			item := "Batch" + t.Name()
			g.schemas[item] = map[string]any{
				"allOf": []any{
					g.ref(t),
					map[string]any{
						"type":       "object",
						"required":   []any{"kind"},
						"properties": map[string]any{"kind": map[string]any{"const": k.kind.String()}},
					},
				},
			}
			ref := "#/components/schemas/" + item
			oneOf = append(oneOf, map[string]any{"$ref": ref})
			mapping[k.kind.String()] = ref
		}
		g.schemas[name] = map[string]any{
			"description":   "One command: \"kind\" names it and the fields of that kind follow.",
			"oneOf":         oneOf,
			"discriminator": map[string]any{"propertyName": "kind", "mapping": mapping},
		}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// buildOpenAPI renders the document once; it is served as bytes.
func (s *Server) buildOpenAPI() ([]byte, error) {
	g := &schemaGen{schemas: map[string]any{}}
	problem := map[string]any{
		"description": "An RFC 9457 problem; code is stable, see the x-codes table.",
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": g.ref(reflect.TypeFor[Problem]())}},
	}
	paths := map[string]any{}
	for _, rt := range s.routes {
		op := map[string]any{
			"operationId": rt.op,
			"summary":     rt.summary,
			"tags":        []any{rt.tag},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string", "maxLength": depot.MaxIDLen}})
		}
		for _, q := range rt.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.doc, "schema": map[string]any{"type": q.typ}})
		}
		if rt.stream {
			params = append(params, map[string]any{"name": "Last-Event-ID", "in": "header", "description": "resume after this sequence number", "schema": map[string]any{"type": "string"}})
		}
		if rt.method != http.MethodGet && rt.scope != 0 {
			params = append(params, map[string]any{
				"name": "Idempotency-Key", "in": "header",
				"description": "a retry with the same key and body gets the first answer; another body is 422 idempotency_key_reused",
				"schema":      map[string]any{"type": "string", "maxLength": MaxIdempotencyKeyLen},
			})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.in != nil {
			op["requestBody"] = map[string]any{
				"required": rt.in != reflect.TypeFor[ReleaseBody](),
				"content":  map[string]any{"application/json": map[string]any{"schema": g.ref(rt.in)}},
			}
		}
		ok := map[string]any{"description": http.StatusText(rt.status)}
		switch {
		case rt.stream:
			// itemSchema arrives with OpenAPI 3.2; until then the event schema is an extension.
			ok["description"] = "Server-Sent Events: one message per event; event is the kind, data the Event JSON, " +
				"id the seq (sent on the last event of each command)"
			ok["content"] = map[string]any{"text/event-stream": map[string]any{
				"schema":        map[string]any{"type": "string"},
				"x-item-schema": g.ref(rt.out),
			}}
		case rt.content != "":
			ok["content"] = map[string]any{rt.content: map[string]any{"schema": map[string]any{"type": "string"}}}
		case rt.out != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.ref(rt.out)}}
		}
		op["responses"] = map[string]any{
			fmt.Sprint(rt.status): ok,
			"4XX":                 map[string]any{"$ref": "#/components/responses/Problem"},
			"5XX":                 map[string]any{"$ref": "#/components/responses/Problem"},
		}
		if rt.scope != 0 {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-scope"] = rt.scope.String()
		} else {
			op["security"] = []any{}
		}
		item, _ := paths[rt.pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	codes := map[string]any{}
	for _, c := range Codes() {
		codes[c] = StatusOf(c)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Depot API",
			"version": APIVersion,
			"description": "Depot, the operations control plane for commerce. JSON in snake_case; quantities are integer units, " +
				"money integer minor units, times unix nanoseconds. Bodies are decoded strictly: unknown fields, duplicate keys, " +
				"trailing data and invalid UTF-8 are 400 malformed_json. Errors are RFC 9457 problems whose code maps to a status " +
				"as listed in x-codes. Authenticate with Authorization: Bearer <key>; keys have the scope read, write or admin " +
				"(x-scope on each operation) and belong to one tenant.",
		},
		"servers": []any{map[string]any{"url": "/", "description": "this server"}},
		"x-codes": codes,
		"paths":   paths,
		"components": map[string]any{
			"schemas":         g.schemas,
			"responses":       map[string]any{"Problem": problem},
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API key from `depot keys create`"}},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}
