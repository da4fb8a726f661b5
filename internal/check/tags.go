package check

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

const tagDoc = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions"

// tagMaps are the properties that hold a resource's tags as a map; tagLists hold them as a list of
// {key, value} objects (Auto Scaling groups).
var (
	tagMaps = []string{"tags", "tagsAll", "volumeTags", "rootBlockDevice.tags", "ebsBlockDevices[*].tags", "tagSpecifications[*].tags",
		"resourceTags", "distributions[*].amiDistributionConfiguration.amiTags",
		// Image Builder lifecycle policies exempt resources by tag (botocore TagMap, TagKey, TagValue).
		"policyDetails[*].exclusionRules.tagMap", "policyDetails[*].exclusionRules.amis.tagMap"}
	tagLists = []string{"tags"}
)

// tagChars is the character set every service that takes tags accepts (EC2 accepts more): the
// strata tag convention puts the same tags on every service.
var tagChars = regexp.MustCompile(`\A[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z`)

// eachTag calls fn with every tag of r: the path of its key and value, and both.
func eachTag(r *Resource, fn func(path string, count int, key, value any)) {
	for _, p := range tagMaps {
		r.Each(p, func(path string, v any) {
			m, ok := v.(map[string]any)
			if !ok {
				return
			}
			fn(path, len(m), nil, nil)
			for k, val := range m {
				fn(child(path, k), -1, k, val)
			}
		})
	}
	for _, p := range tagLists {
		r.Each(p, func(path string, v any) {
			list, ok := v.([]any)
			if !ok {
				return
			}
			fn(path, len(list), nil, nil)
			for i, item := range list {
				if m, ok := item.(map[string]any); ok {
					fn(fmt.Sprintf("%s[%d]", path, i), -1, m["key"], m["value"])
				}
			}
		})
	}
}

func tagRule(id, allowed string, bad func(count int, key, value any) (any, bool)) Rule {
	paths := []string{"tags[*].key", "tags[*].value"}
	for _, p := range tagMaps {
		paths = append(paths, p+".*")
	}
	return Rule{ID: id, Paths: paths, Source: tagDoc, Check: func(r *Resource, report Reporter) {
		eachTag(r, func(path string, count int, key, value any) {
			if v, broken := bad(count, key, value); broken {
				report(path, v, allowed)
			}
		})
	}}
}

var tags = set{rules: []Rule{
	tagRule("tags.count", "at most 50 user tags per resource", func(count int, _, _ any) (any, bool) {
		return count, count > 50
	}),
	tagRule("tags.key.length", "keys of 1 to 128 characters", func(count int, key, _ any) (any, bool) {
		k, ok := text(key)
		return key, count < 0 && ok && (k == "" || utf8.RuneCountInString(k) > 128)
	}),
	tagRule("tags.key.charset", "keys of letters, digits, spaces and _ . : / = + - @", func(count int, key, _ any) (any, bool) {
		k, ok := text(key)
		return key, count < 0 && ok && !tagChars.MatchString(k)
	}),
	tagRule("tags.key.prefix", "keys not starting with aws: in any case (reserved for AWS)", func(count int, key, _ any) (any, bool) {
		k, ok := text(key)
		return key, count < 0 && ok && strings.HasPrefix(strings.ToLower(k), "aws:")
	}),
	tagRule("tags.value.length", "values of at most 256 characters", func(count int, _, value any) (any, bool) {
		v, ok := text(value)
		return value, count < 0 && ok && utf8.RuneCountInString(v) > 256
	}),
	tagRule("tags.value.charset", "values of letters, digits, spaces and _ . : / = + - @", func(count int, _, value any) (any, bool) {
		v, ok := text(value)
		return value, count < 0 && ok && !tagChars.MatchString(v)
	}),
}}
