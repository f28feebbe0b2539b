--TEST--
EBLA_CHAT_SCHEMA_CORE makes EspoCRM 8.4's own core tables and the chat tables exactly: columns, types, defaults, NOT NULL, indexes
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
$dir = __DIR__ . '/espocrm-schema';
$core = ['user', 'team', 'team_user', 'role', 'role_user', 'role_team', 'portal_user', 'note', 'attachment'];
$chat = ['dialog', 'dialog_user'];

/** The statements of a dump file (comment lines dropped). */
function ddl_statements(string $file): array
{
    $text = preg_replace('/^--.*$/m', '', file_get_contents($file));
    return array_values(array_filter(array_map('trim', preg_split('/;\s*\n/', $text)), 'strlen'));
}

/** table => ['options' => string, 'columns' => [name => description], 'indexes' => [name => description]] */
function describe(PDO $pdo, string $backend, array $tables): array
{
    $out = [];
    foreach ($tables as $t) {
        $d = ['options' => '', 'columns' => [], 'indexes' => []];
        if ($backend === 'mysql') {
            $s = $pdo->prepare('SELECT ENGINE, TABLE_COLLATION FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?');
            $s->execute([$t]);
            $d['options'] = implode(' ', $s->fetch(PDO::FETCH_NUM) ?: ['missing']);
            $s = $pdo->prepare('SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME, EXTRA '
                . 'FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ORDINAL_POSITION');
            $s->execute([$t]);
            foreach ($s->fetchAll(PDO::FETCH_NUM) as $c) {
                $d['columns'][$c[0]] = "#$c[1] $c[2] null=$c[3] default=" . var_export($c[4], true) . " $c[5] $c[6] $c[7]";
            }
            $s = $pdo->prepare('SELECT INDEX_NAME, NON_UNIQUE, INDEX_TYPE, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) '
                . 'FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? GROUP BY INDEX_NAME, NON_UNIQUE, INDEX_TYPE');
            $s->execute([$t]);
            foreach ($s->fetchAll(PDO::FETCH_NUM) as $i) {
                $d['indexes'][$i[0]] = ($i[1] ? 'non-unique' : 'unique') . " $i[2] ($i[3])";
            }
        } else {
            $s = $pdo->prepare('SELECT column_name, ordinal_position, data_type, character_maximum_length, numeric_precision, datetime_precision, '
                . 'is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position');
            $s->execute([$t]);
            foreach ($s->fetchAll(PDO::FETCH_NUM) as $c) {
                $d['columns'][$c[0]] = "#$c[1] $c[2]($c[3],$c[4],$c[5]) null=$c[6] default=" . var_export($c[7], true);
            }
            $s = $pdo->prepare('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?');
            $s->execute([$t]);
            foreach ($s->fetchAll(PDO::FETCH_NUM) as $i) {
                $d['indexes'][$i[0]] = $i[1];
            }
        }
        $out[$t] = $d;
    }
    return $out;
}

/** The same description of SQLite tables: pragma table_info / index_list / index_info. */
function describe_sqlite(PDO $pdo, array $tables): array
{
    $out = [];
    foreach ($tables as $t) {
        $d = ['options' => '', 'columns' => [], 'indexes' => []];
        foreach ($pdo->query("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('$t')")->fetchAll(PDO::FETCH_NUM) as $c) {
            $default = $c[4] === null || strtoupper($c[4]) === 'NULL' ? 'none' : $c[4];
            $d['columns'][$c[1]] = '#' . ($c[0] + 1) . " $c[2] notnull=$c[3] default=$default" . ($c[5] ? ' pk' : '');
        }
        foreach ($pdo->query("SELECT name, \"unique\", origin FROM pragma_index_list('$t')")->fetchAll(PDO::FETCH_NUM) as $i) {
            if ($i[2] === 'pk') {
                continue;
            }
            $cols = $pdo->query("SELECT name FROM pragma_index_info('$i[0]') ORDER BY seqno")->fetchAll(PDO::FETCH_COLUMN);
            $d['indexes'][$i[0]] = ($i[1] ? 'unique' : 'non-unique') . ' (' . implode(',', $cols) . ')';
        }
        $out[$t] = $d;
    }
    return $out;
}

/**
 * What SQLite must have, translated from the MariaDB dump: the same columns in the same order,
 * NOT NULL and defaults; SQLite types for MariaDB's; the same indexes, named the PostgreSQL way.
 */
function sqlite_expected(array $statements, array $tables): array
{
    $out = [];
    foreach ($statements as $st) {
        if (!preg_match('/^CREATE TABLE `(\w+)` \((.*)\)[^)]*$/s', $st, $m) || !in_array($m[1], $tables, true)) {
            continue;
        }
        $t = $m[1];
        $d = ['options' => '', 'columns' => [], 'indexes' => []];
        $pos = 0;
        foreach (preg_split('/,\n/', trim($m[2])) as $line) {
            $line = trim($line);
            if (preg_match('/^`(\w+)` (\w+)(\(\d+\))?( unsigned)?(?: CHARACTER SET \w+ COLLATE \w+)?( NOT NULL)?(?: DEFAULT (\'[^\']*\'|\S+))?( AUTO_INCREMENT)?$/', $line, $c)) {
                [$type, $notnull, $default] = [strtoupper($c[2]) . ($c[3] ?? ''), !empty($c[5]), $c[6] ?? ''];
                $type = ['MEDIUMTEXT' => 'TEXT', 'BIGINT(20)' => 'BIGINT', 'INT(11)' => 'INT'][$type] ?? $type;
                if (!empty($c[7])) {
                    // AUTO_INCREMENT: a middle table's key is SQLite's INTEGER PRIMARY KEY (the rowid);
                    // note.number is copied from the rowid by a trigger after the insert, so it
                    // accepts NULL until then.
                    [$type, $notnull] = ['INTEGER', false];
                }
                $default = $default === '' || strtoupper($default) === 'NULL' ? 'none' : $default;
                $d['columns'][$c[1]] = '#' . (++$pos) . " $type notnull=" . (int) $notnull . " default=$default";
            } elseif (preg_match('/^PRIMARY KEY \(`(\w+)`\)$/', $line, $k)) {
                $d['columns'][$k[1]] .= ' pk';
            } elseif (preg_match('/^(UNIQUE )?KEY `(UNIQ|IDX)_(\w+)` \(([^)]+)\)$/', $line, $k)) {
                $d['indexes'][strtolower($k[2]) . "_{$t}_" . strtolower($k[3])] = ($k[1] ? 'unique' : 'non-unique') . ' (' . str_replace('`', '', $k[4]) . ')';
            }
            // FULLTEXT KEY: SQLite has no full-text index of this kind (and EspoCRM no SQLite platform).
        }
        $out[$t] = $d;
    }
    return $out;
}

/** Lines naming every difference between the reference and what the engine made. */
function differences(array $want, array $have): array
{
    $diffs = [];
    foreach ($want as $t => $w) {
        $h = $have[$t];
        if ($w['options'] !== $h['options']) {
            $diffs[] = "$t: table options $h[options], EspoCRM $w[options]";
        }
        foreach (['columns' => 'column', 'indexes' => 'index'] as $part => $what) {
            foreach ($w[$part] as $name => $desc) {
                if (!isset($h[$part][$name])) {
                    $diffs[] = "$t: $what $name missing ($desc)";
                } elseif ($h[$part][$name] !== $desc) {
                    $diffs[] = "$t: $what $name is {$h[$part][$name]}, EspoCRM $desc";
                }
            }
            foreach (array_diff_key($h[$part], $w[$part]) as $name => $desc) {
                $diffs[] = "$t: $what $name is not EspoCRM's ($desc)";
            }
        }
    }
    return $diffs;
}

function report(string $backend, string $label, array $want, array $have): void
{
    $diffs = differences($want, $have);
    $columns = array_sum(array_map(fn($d) => count($d['columns']), $want));
    $indexes = array_sum(array_map(fn($d) => count($d['indexes']), $want));
    echo "$backend $label: ", count($want), " tables, $columns columns, $indexes indexes: ",
        $diffs ? "DIFFERENT\n  " . implode("\n  ", $diffs) . "\n" : "identical\n";
}

foreach (ec_backends() as $backend) {
    $ours = ec_fresh_pdo($backend);
    ebla_chat_schema($ours, EBLA_CHAT_SCHEMA_CORE);
    if ($backend === 'sqlite') {
        $have = describe_sqlite($ours, array_merge($core, $chat));
        report($backend, 'core', sqlite_expected(ddl_statements("$dir/mariadb-8.4.2.sql"), $core), array_intersect_key($have, array_flip($core)));
        report($backend, 'chat', sqlite_expected(ddl_statements("$dir/chat-mariadb.sql"), $chat), array_intersect_key($have, array_flip($chat)));
        echo "sqlite note.number trigger: ", $ours->query("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'note'")->fetchColumn(), "\n";
    } else {
        $file = $backend === 'mysql' ? 'mariadb-8.4.2.sql' : 'postgresql-8.4.2.sql';
        $chatFile = $backend === 'mysql' ? 'chat-mariadb.sql' : 'chat-postgresql.sql';
        $espo = ec_fresh_pdo($backend);
        foreach (array_merge(ddl_statements("$dir/$file"), ddl_statements("$dir/$chatFile")) as $statement) {
            $espo->exec($statement);
        }
        report($backend, 'core', describe($espo, $backend, $core), describe($ours, $backend, $core));
        report($backend, 'chat', describe($espo, $backend, $chat), describe($ours, $backend, $chat));
        // The chat on EspoCRM's own tables, loaded from the dump: nothing to add, and a message
        // with an attachment links it (attachment has no modified_at).
        echo "$backend schema on the dump: ", count(ebla_chat_schema($espo)), " statements\n";
        ec_baseline_role($espo);
        $ann = ec_user($espo, 'ann');
        $ben = ec_user($espo, 'ben');
        $d = ebla_chat_dialog_open($espo, $ann, [$ben])['id'];
        $m = ebla_chat_post($espo, $ann, $d, 'see attached', [ec_attachment($espo, $ann, 'a.pdf', 'application/pdf')]);
        echo "$backend post with attachment: ", count($m['attachments']), " attachment, linked to the note: ",
            ec_scalar($espo, 'SELECT COUNT(*) FROM attachment WHERE parent_id = ? AND parent_type = ?', [$m['id'], 'Note']), "\n";
        ini_restore('ebla_chat.baseline_role_id');
    }
    $tables = $backend === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : 'SELECT table_name FROM information_schema.tables WHERE table_schema = ' . ($backend === 'mysql' ? 'DATABASE()' : 'current_schema()');
    $names = $ours->query($tables)->fetchAll(PDO::FETCH_COLUMN);
    sort($names);
    echo "$backend tables: ", implode(',', $names), "\n";
}
?>
--EXPECT--
sqlite core: 9 tables, 106 columns, 43 indexes: identical
sqlite chat: 2 tables, 25 columns, 7 indexes: identical
sqlite note.number trigger: 1
sqlite tables: attachment,dialog,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user
mysql core: 9 tables, 106 columns, 53 indexes: identical
mysql chat: 2 tables, 25 columns, 9 indexes: identical
mysql schema on the dump: 0 statements
mysql post with attachment: 1 attachment, linked to the note: 1
mysql tables: attachment,dialog,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user
pgsql core: 9 tables, 106 columns, 53 indexes: identical
pgsql chat: 2 tables, 25 columns, 9 indexes: identical
pgsql schema on the dump: 0 statements
pgsql post with attachment: 1 attachment, linked to the note: 1
pgsql tables: attachment,dialog,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user
