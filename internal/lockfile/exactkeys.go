package lockfile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// checkExactKeys reports an object key in doc that does not spell a field
// of t exactly. encoding/json matches field names case-insensitively, so
// without this check {"Tools": …} would fill Tools, and {"tools": …,
// "Tools": …} would silently keep one of the two.
func checkExactKeys(doc any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return nil // a type mismatch is reported by the decoder
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields[name] = f.Type
		}
		for k, v := range obj {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("unknown field %q at %s", k, pathOrRoot(path))
			}
			if err := checkExactKeys(v, ft, path+"/"+escapePointer(k)); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, _ := doc.(map[string]any)
		for k, v := range obj {
			if err := checkExactKeys(v, t.Elem(), path+"/"+escapePointer(k)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i, v := range asList(doc) {
			if err := checkExactKeys(v, t.Elem(), fmt.Sprintf("%s/%d", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func pathOrRoot(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}
