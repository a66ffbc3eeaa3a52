package cli

import (
	"github.com/kgroups/kgroups/model"
)

// checkNewGroupName refuses, before anything is written, a base or suffix
// that would name a group with whitespace, control characters or bytes that
// are not UTF-8 in it, or a group id longer than Kafka can carry. Commands
// that only read or delete (peek, lag, delete) skip it, so that a group
// with such a name that already exists can still be read and removed.
func checkNewGroupName(s Settings, topic, suffix string) error {
	if err := model.CheckNameChars(s.Base); err != nil {
		return usagef("%s: %v", baseSetting(s), err)
	}
	if err := model.CheckNameChars(suffix); err != nil {
		return usagef("--suffix: %v", err)
	}
	group := model.GroupName{Base: s.Base, Topic: topic, Suffix: suffix}.String()
	if n := len(group); n > model.GroupIDMaxBytes {
		return usagef("the group id {base}-{topic}-{suffix} would be %d bytes; Kafka allows at most %d bytes: shorten --suffix or the base", n, model.GroupIDMaxBytes)
	}
	return nil
}

// baseSetting names where the base came from: --base, the environment or
// the configuration file's context.
func baseSetting(s Settings) string {
	if s.Resolved == nil {
		return "--base"
	}
	return settingName("base", s.Resolved.Base.Source)
}
