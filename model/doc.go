// Package model holds kgroups' plain domain types and pure logic: group naming
// under a base prefix, lag arithmetic, snapshots and records. It imports
// neither Bubble Tea nor franz-go, so everything here is easy to table-test.
package model
