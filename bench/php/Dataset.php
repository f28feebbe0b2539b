<?php
/*
 * The benchmark's data: 10,000 users in 100 teams, 2,000 dialogs with a history of 970,000
 * messages plus 10,000 small direct dialogs linked to a record (as the chat button makes them,
 * 3 messages each): 1,000,000 messages, stored both ways at once (counters in dialog/dialog_user
 * for ebla_chat and SameAlgorithm, one notification row per recipient per message for EspoWay),
 * so the readers of each implementation see the same state. The same rows on MariaDB
 * (tab-separated files, LOAD DATA INFILE: the server runs on this machine) and on PostgreSQL
 * (COPY FROM STDIN through PDO::pgsqlCopyFromArray); the secondary indexes of the two big tables
 * are built after the load, which is much faster than maintaining them row by row.
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;

final class Dataset
{
    public const USERS = 10000;         // regular users with teams (plus the bench actors)
    public const TEAMS = 100;
    public const DIALOGS = 2000;        // history dialogs
    public const PER_DIALOG = 485;      // messages per history dialog: 970,000
    public const SMALL = 10000;         // small direct dialogs (with a parent record) of U10000
    public const PER_SMALL = 3;         // messages each: 30,000 (1,000,000 in all)
    public const FIRST_OTHER = 16;      // user index of the first ordinary user
    public const BASE_TIME = 1767225600; // 2026-01-01 00:00:00 UTC

    // Actors (user indexes).
    public const AUTHOR = 0;   // posts in the post-benchmark dialogs
    public const U10 = 1;      // member of 10 history dialogs
    public const U100 = 2;     // of 100
    public const U1000 = 3;    // of 1,000
    public const READER = 4;   // marks read
    public const P_TEAM = 5;   // partners with User read = team
    public const P_ALL = 6;    // partners with User read = all
    public const U10000 = 7;   // member of the 10,000 small dialogs
    /** Readers by dialog count. */
    public const READERS = [10 => self::U10, 100 => self::U100, 1000 => self::U1000, 10000 => self::U10000];

    public const IMPLS = ['c', 'espo', 'same'];
    public const POST_SIZES = [2, 10, 100, 1000];

    public static function user(int $i): string
    {
        return sprintf('1%016x', $i);
    }

    public static function dialog(int $d): string
    {
        return sprintf('2%016x', $d);
    }

    public static function note(int $k): string
    {
        return sprintf('3%016x', $k);
    }

    /** Dialog of the post benchmark for implementation $impl and $m members. */
    public static function postDialog(string $impl, int $m): string
    {
        return sprintf('8%016x', array_search($impl, self::IMPLS, true) * 10000 + $m);
    }

    public static function readDialog(string $impl): string
    {
        return sprintf('9%016x', array_search($impl, self::IMPLS, true));
    }

    /** Ordinary user number $n (0 .. USERS-1). */
    public static function other(int $n): int
    {
        return self::FIRST_OTHER + (($n % self::USERS) + self::USERS) % self::USERS;
    }

    /** Dialog index of small dialog $e (0 .. SMALL-1). */
    public static function small(int $e): int
    {
        return self::DIALOGS + $e;
    }

    /** @return list<int> member user indexes of dialog $d (history or small; the last one is never a reader) */
    public static function historyMembers(int $d): array
    {
        if ($d >= self::DIALOGS) {
            return [self::U10000, self::other(($d - self::DIALOGS) * 13 + 5)];
        }
        $o = self::other($d * 37);
        if ($d < 10) {
            return [self::U1000, self::U100, self::U10, $o];
        }
        if ($d < 100) {
            return [self::U1000, self::U100, $o];
        }
        if ($d < 1000) {
            return [self::U1000, $o];
        }
        return [$o, self::other($d * 37 + 1)];
    }

    /** Unread messages left for a reader in dialog $d (30 % of dialogs; 1..7 in history, 1..3 in small ones). */
    public static function unreadFor(int $user, int $d): int
    {
        if (!in_array($user, self::READERS, true)) {
            return 0;
        }
        if ($d >= self::DIALOGS) {
            $e = $d - self::DIALOGS;
            return ($e % 10) < 3 ? ($e % 3) + 1 : 0;
        }
        return ($d % 10) < 3 ? ($d % 7) + 1 : 0;
    }

    /** Messages in dialog $d. */
    public static function size(int $d): int
    {
        return $d >= self::DIALOGS ? self::PER_SMALL : self::PER_DIALOG;
    }

    /** Note number of message $p of dialog $d: the history first, interleaved, then the small dialogs. */
    public static function number(int $d, int $p): int
    {
        if ($d >= self::DIALOGS) {
            return self::DIALOGS * self::PER_DIALOG + $p * self::SMALL + ($d - self::DIALOGS) + 1;
        }
        return $p * self::DIALOGS + $d + 1;
    }

    /** Dialog and position of note number $n (inverse of number()). */
    private static function position(int $n): array
    {
        $k = $n - 1;
        $h = self::DIALOGS * self::PER_DIALOG;
        if ($k >= $h) {
            return [self::DIALOGS + ($k - $h) % self::SMALL, intdiv($k - $h, self::SMALL)];
        }
        return [$k % self::DIALOGS, intdiv($k, self::DIALOGS)];
    }

    public static function totalMessages(): int
    {
        return self::DIALOGS * self::PER_DIALOG + self::SMALL * self::PER_SMALL;
    }

    /** The author of message $p of dialog $d: the last 10 are by the dialog's non-reader member. */
    public static function author(int $d, int $p): int
    {
        $m = self::historyMembers($d);
        return $p >= self::size($d) - 10 ? $m[count($m) - 1] : $m[$p % count($m)];
    }

    private function pg(): bool
    {
        return $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql';
    }

    private function exec(string $sql): void
    {
        $this->pdo->exec($this->pg() ? Sql::pg($sql) : $sql);
    }

    public function __construct(private PDO $pdo, private string $dir)
    {
    }

    private static function line(array $r): string
    {
        return implode("\t", array_map(fn ($v) => $v === null ? '\N' : (string) $v, $r)) . "\n";
    }

    private function tsv(string $name, iterable $rows): string
    {
        $file = "$this->dir/$name.tsv";
        $f = fopen($file, 'w');
        $buf = '';
        foreach ($rows as $r) {
            $buf .= self::line($r);
            if (strlen($buf) > 1 << 20) {
                fwrite($f, $buf);
                $buf = '';
            }
        }
        fwrite($f, $buf);
        fclose($f);
        chmod($file, 0644);
        return $file;
    }

    private function load(string $table, array $columns, iterable $rows): void
    {
        if ($this->pg()) {
            // COPY FROM STDIN, 50,000 rows a statement (booleans as 0/1, NULL as \N: COPY's text format).
            $cols = implode(', ', array_map(fn ($c) => "\"$c\"", $columns));
            $batch = [];
            foreach ($rows as $r) {
                $batch[] = self::line($r);
                if (count($batch) === 50000) {
                    $this->pdo->pgsqlCopyFromArray("\"$table\"", $batch, "\t", '\\\\N', $cols);
                    $batch = [];
                }
            }
            if ($batch) {
                $this->pdo->pgsqlCopyFromArray("\"$table\"", $batch, "\t", '\\\\N', $cols);
            }
            return;
        }
        $file = $this->tsv($table, $rows);
        $cols = implode(', ', array_map(fn ($c) => "`$c`", $columns));
        $this->pdo->exec("LOAD DATA INFILE " . $this->pdo->quote($file) . " INTO TABLE `$table` CHARACTER SET utf8mb4 ($cols)");
        unlink($file);
    }

    private static function time(int $k): string
    {
        return gmdate('Y-m-d H:i:s', self::BASE_TIME + $k * 2);
    }

    /** EspoCRM's notification table (9.x columns and indexes), as it makes it on each database. */
    private function notificationTable(): string
    {
        if ($this->pg()) {
            return 'CREATE TABLE notification (
                id VARCHAR(17) NOT NULL,
                deleted BOOLEAN DEFAULT FALSE,
                number BIGSERIAL NOT NULL,
                data TEXT,
                type VARCHAR(255) DEFAULT NULL,
                "read" BOOLEAN NOT NULL DEFAULT FALSE,
                email_is_processed BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMP(0) WITHOUT TIME ZONE DEFAULT NULL,
                message TEXT,
                action_id VARCHAR(36) DEFAULT NULL,
                is_featured BOOLEAN NOT NULL DEFAULT FALSE,
                user_id VARCHAR(17) DEFAULT NULL,
                related_id VARCHAR(17) DEFAULT NULL,
                related_type VARCHAR(100) DEFAULT NULL,
                related_parent_id VARCHAR(17) DEFAULT NULL,
                related_parent_type VARCHAR(100) DEFAULT NULL,
                created_by_id VARCHAR(17) DEFAULT NULL,
                PRIMARY KEY (id))';
        }
        return "CREATE TABLE notification (
            id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
            deleted TINYINT(1) NULL DEFAULT 0,
            number BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
            data MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
            type VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            `read` TINYINT(1) NOT NULL DEFAULT 0,
            email_is_processed TINYINT(1) NOT NULL DEFAULT 0,
            created_at DATETIME NULL DEFAULT NULL,
            message MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
            action_id VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            is_featured TINYINT(1) NOT NULL DEFAULT 0,
            user_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_type VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_parent_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_parent_type VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            created_by_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            PRIMARY KEY (id),
            UNIQUE KEY UNIQ_NUMBER (number)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
    }

    /** The notification indexes, built after the load (EspoCRM's names on each database). */
    private function notificationIndexes(): void
    {
        $ix = ['CREATED_AT' => 'created_at', 'USER' => 'user_id, number',
            'USER_ID_READ_RELATED_PARENT_TYPE' => 'user_id, deleted, `read`, related_parent_type', 'ACTION_ID' => 'action_id',
            'USER_ID' => 'user_id', 'RELATED' => 'related_id, related_type', 'RELATED_PARENT' => 'related_parent_id, related_parent_type',
            'CREATED_BY_ID' => 'created_by_id'];
        if ($this->pg()) {
            $this->pdo->exec('CREATE UNIQUE INDEX uniq_notification_number ON notification (number)');
            foreach ($ix as $name => $cols) {
                $this->pdo->exec('CREATE INDEX idx_notification_' . strtolower($name) . ' ON notification (' . str_replace('`', '"', $cols) . ')');
            }
            return;
        }
        $this->pdo->exec('ALTER TABLE notification ' . implode(', ', array_map(fn ($n, $c) => "ADD INDEX IDX_$n ($c)", array_keys($ix), $ix)));
    }

    /** note's secondary indexes as ebla_chat_schema made them, dropped for the load; returns how to rebuild them. */
    private function dropNoteIndexes(): array
    {
        $rebuild = [];
        if ($this->pg()) {
            foreach ($this->pdo->query("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()
                    AND i.tablename = 'note' AND i.indexname NOT IN (SELECT conname FROM pg_constraint)
                    AND i.indexdef NOT LIKE '%(number)'")->fetchAll(PDO::FETCH_NUM) as [$name, $def]) {
                $this->pdo->exec("DROP INDEX \"$name\"");
                $rebuild[] = $def;
            }
            return $rebuild;
        }
        // (EspoCRM's full-text index on post among them: rebuilt as FULLTEXT.)
        $drop = [];
        foreach ($this->pdo->query("SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols, MAX(index_type) AS kind
                FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'note'
                AND index_name NOT IN ('PRIMARY', 'UNIQ_NUMBER') GROUP BY index_name")->fetchAll(PDO::FETCH_ASSOC) as $ix) {
            $drop[] = "DROP INDEX `{$ix['index_name']}`";
            $rebuild[] = 'ADD ' . ($ix['kind'] === 'FULLTEXT' ? 'FULLTEXT ' : '') . "INDEX `{$ix['index_name']}` ("
                . implode(', ', array_map(fn ($c) => "`$c`", explode(',', $ix['cols']))) . ')';
        }
        if ($drop) {
            $this->pdo->exec('ALTER TABLE note ' . implode(', ', $drop));
        }
        return $rebuild ? ['ALTER TABLE note ' . implode(', ', $rebuild)] : [];
    }

    /** Creates every table and loads everything; returns seconds spent per step. */
    public function build(): array
    {
        $t = [];
        $clock = hrtime(true);
        $lap = function (string $what) use (&$t, &$clock) {
            $now = hrtime(true);
            $t[$what] = ($now - $clock) / 1e9;
            $clock = $now;
        };
        $pdo = $this->pdo;
        $pg = $this->pg();
        ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
        // EspoCRM's notification table, and the EspoWay popup watermark.
        $pdo->exec($this->notificationTable());
        $pdo->exec('CREATE TABLE notification_popup (user_id VARCHAR(17) NOT NULL PRIMARY KEY, number BIGINT NOT NULL DEFAULT 0)'
            . ($pg ? '' : ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'));
        $noteIndexes = $this->dropNoteIndexes();
        $lap('schema');

        $first = ['Anna', 'Boris', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hugo', 'Irene', 'Jonas', 'Katya', 'Leon',
            'Maria', 'Nikolai', 'Olga', 'Pavel', 'Rosa', 'Sami', 'Tanja', 'Viktor'];
        $last = ['Abbott', 'Berg', 'Costa', 'Dahl', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Klein',
            'Larsen', 'Meyer', 'Novak', 'Olsen', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Weber', 'Young'];
        $now = self::time(0);
        $nUsers = self::FIRST_OTHER + self::USERS;
        $this->load('user', ['id', 'deleted', 'user_name', 'type', 'is_active', 'first_name', 'last_name', 'delete_id', 'created_at'],
            (function () use ($nUsers, $first, $last, $now) {
                for ($i = 0; $i < $nUsers; $i++) {
                    yield [self::user($i), 0, "user$i", 'regular', 1, $first[$i % 20], $last[intdiv($i, 20) % 22] . " $i", '0', $now];
                }
            })());
        $this->load('team', ['id', 'name', 'deleted'], (function () {
            for ($t = 0; $t < self::TEAMS; $t++) {
                yield [sprintf('6%016x', $t), "Team $t", 0];
            }
        })());
        $this->load('team_user', ['team_id', 'user_id', 'deleted'], (function () use ($nUsers) {
            for ($i = 0; $i < $nUsers; $i++) {
                $a = $i % self::TEAMS;
                $b = ($i * 7 + 3) % self::TEAMS;
                yield [sprintf('6%016x', $a), self::user($i), 0];
                if ($b !== $a) {
                    yield [sprintf('6%016x', $b), self::user($i), 0];
                }
            }
        })());
        $this->exec("INSERT INTO role (id, name, deleted, data) VALUES
            ('7000000000000000a', 'Team reader', 0, '{\"User\":{\"read\":\"team\"}}'),
            ('7000000000000000b', 'All reader', 0, '{\"User\":{\"read\":\"all\"}}')");
        $this->exec("INSERT INTO role_user (role_id, user_id, deleted) VALUES
            ('7000000000000000a', '" . self::user(self::P_TEAM) . "', 0), ('7000000000000000b', '" . self::user(self::P_ALL) . "', 0)");
        // Everyone else may chat with everyone (User read = all), so the members of direct
        // dialogs may post in them (the poll workloads' new messages).
        $this->load('role_user', ['role_id', 'user_id', 'deleted'], (function () use ($nUsers) {
            for ($i = 0; $i < $nUsers; $i++) {
                if ($i !== self::P_TEAM && $i !== self::P_ALL) {
                    yield ['7000000000000000b', self::user($i), 0];
                }
            }
        })());
        $lap('users, teams, roles');

        // Dialogs and memberships: the history dialogs, then the small direct ones, each linked
        // to its own record (direct_key "<low>|<high>|<parentType>|<parentId>", docs/design.md).
        $all = self::DIALOGS + self::SMALL;
        $this->load('dialog', ['id', 'name', 'deleted', 'type', 'direct_key', 'parent_id', 'parent_type', 'created_at', 'modified_at',
            'created_by_id', 'last_message_at', 'last_message_id', 'last_message_number', 'message_count', 'activity'], (function () use ($all, $pg) {
            for ($d = 0; $d < $all; $d++) {
                $m = self::historyMembers($d);
                $direct = count($m) === 2;
                $ids = array_map([self::class, 'user'], $m);
                sort($ids, SORT_STRING);
                $small = $d >= self::DIALOGS;
                $parent = $small ? sprintf('a%016x', $d - self::DIALOGS) : null;
                $lastNum = self::number($d, self::size($d) - 1);
                yield [self::dialog($d), $direct ? null : "Project $d", 0, $direct ? 'Direct' : 'Group',
                    $direct ? implode('|', $ids) . ($small ? "|Account|$parent" : '') : null, $parent, $small ? 'Account' : null,
                    self::time(0), self::time($lastNum), $ids[0], self::time($lastNum), self::note($lastNum - 1), $lastNum, self::size($d),
                    // The activity stamp of the last post: its note number; on PostgreSQL a transaction
                    // id, and every loaded one is older than any running transaction.
                    $pg ? 0 : $lastNum];
            }
        })());
        $this->load('dialog_user', ['dialog_id', 'user_id', 'deleted', 'read_count', 'last_read_number', 'notified_number',
            'mention_count', 'is_muted', 'unread_hint', 'list_number', 'counted', 'joined_at'], (function () use ($all) {
            for ($d = 0; $d < $all; $d++) {
                $size = self::size($d);
                foreach (self::historyMembers($d) as $u) {
                    $unread = self::unreadFor($u, $d);
                    yield [self::dialog($d), self::user($u), 0, $size - $unread,
                        $unread === $size ? 0 : self::number($d, $size - 1 - $unread), self::number($d, $size - 1), 0, 0,
                        // Hinted where unread, list_number caught up, readers' memberships counted.
                        $unread > 0 ? 1 : 0, self::number($d, $size - 1), in_array($u, self::READERS, true) ? 1 : 0, self::time(0)];
                }
            }
        })());
        // The readers have caught up: their watermark at the newest stamp (PostgreSQL: this
        // transaction), their memberships counted.
        $readers = implode(', ', array_map(fn ($u) => "'" . self::user($u) . "'", self::READERS));
        $pdo->exec('INSERT INTO dialog_reader (id, activity, dialog_count) SELECT du.user_id, '
            . ($pg ? 'txid_current()' : '(SELECT MAX(activity) FROM dialog)') . ", COUNT(*) FROM dialog_user du
            WHERE du.user_id IN ($readers) GROUP BY du.user_id");
        $lap('dialogs');

        // The messages, in number order: note number n is message position(n).
        $total = self::totalMessages();
        $this->load('note', ['id', 'deleted', 'post', 'data', 'type', 'number', 'is_global', 'is_internal', 'is_pinned',
            'created_at', 'modified_at', 'parent_id', 'parent_type', 'created_by_id'], (function () use ($total) {
            for ($k = 0; $k < $total; $k++) {
                [$d, $p] = self::position($k + 1);
                $at = self::time($k);
                yield [self::note($k), 0, "Message $p of dialog $d: the quarterly numbers look fine to me", '{}', 'Post', $k + 1,
                    0, 0, 0, $at, $at, self::dialog($d), 'Dialog', self::user(self::author($d, $p))];
            }
        })());
        $lap('notes (1M rows)');
        $this->load('notification', ['id', 'deleted', 'number', 'data', 'type', 'read', 'email_is_processed', 'created_at', 'user_id',
            'related_id', 'related_type', 'related_parent_id', 'related_parent_type'], (function () use ($total) {
            $n = 0;
            for ($k = 0; $k < $total; $k++) {
                [$d, $p] = self::position($k + 1);
                $author = self::author($d, $p);
                $noteId = self::note($k);
                $at = self::time($k);
                foreach (self::historyMembers($d) as $u) {
                    if ($u === $author) {
                        continue;
                    }
                    $read = $p < self::size($d) - self::unreadFor($u, $d) ? 1 : 0;
                    yield [sprintf('4%016x', $n), 0, ++$n, "{\"noteId\":\"$noteId\"}", 'Note', $read, 1, $at, self::user($u),
                        $noteId, 'Note', self::dialog($d), 'Dialog'];
                }
            }
        })());
        $lap('notifications');
        $this->notificationIndexes();
        $lap('notification indexes');
        foreach ($noteIndexes as $sql) {
            $pdo->exec($sql);
        }
        $lap('note indexes');
        if ($pg) {
            // The numbers were loaded explicitly: move the sequences past them.
            foreach (['note' => 'number', 'notification' => 'number'] as $table => $col) {
                $pdo->query("SELECT setval(pg_get_serial_sequence('$table', '$col'), (SELECT MAX($col) FROM $table))")->fetchAll();
            }
        }
        $pdo->exec("INSERT INTO notification_popup (user_id, number)
            SELECT user_id, MAX(number) FROM notification WHERE user_id IN ($readers) GROUP BY user_id");

        // Attachments on the last 100 messages of dialog 0 (the history page).
        $this->load('attachment', ['id', 'name', 'deleted', 'type', 'size', 'field', 'created_at', 'role', 'storage',
            'parent_id', 'parent_type', 'created_by_id'], (function () {
            $a = 0;
            for ($p = self::PER_DIALOG - 100; $p < self::PER_DIALOG; $p++) {
                $k = self::number(0, $p) - 1;
                for ($j = 0; $j < ($p % 3 === 0 ? 2 : 1); $j++) {
                    yield [sprintf('5%016x', $a++), "scan-$p-$j.png", 0, 'image/png', 48213 + $p, 'attachments',
                        self::time($k), 'Attachment', null, self::note($k), 'Note', self::user(self::author(0, $p))];
                }
            }
        })());

        // Dialogs of the write benchmarks, one set per implementation (their states diverge).
        $du = [];
        foreach (self::IMPLS as $ii => $impl) {
            foreach (self::POST_SIZES as $m) {
                $id = self::postDialog($impl, $m);
                $members = [self::AUTHOR];
                for ($j = 1; $j < $m; $j++) {
                    $members[] = self::other($ii * 1000 + $j * 7);
                }
                $this->exec("INSERT INTO dialog (id, name, deleted, type, created_at, modified_at, created_by_id)
                    VALUES ('$id', 'Post bench $impl $m', 0, 'Group', '$now', '$now', '" . self::user(self::AUTHOR) . "')");
                foreach ($members as $u) {
                    $du[] = "('$id', '" . self::user($u) . "', 0, '$now')";
                }
            }
            $id = self::readDialog($impl);
            $this->exec("INSERT INTO dialog (id, name, deleted, type, created_at, modified_at, created_by_id)
                VALUES ('$id', 'Read bench $impl', 0, 'Group', '$now', '$now', '" . self::user(self::AUTHOR) . "')");
            foreach ([self::AUTHOR, self::READER] as $u) {
                $du[] = "('$id', '" . self::user($u) . "', 0, '$now')";
            }
            for ($j = 0; $j < 8; $j++) {
                $du[] = "('$id', '" . self::user(self::other(5000 + $ii * 10 + $j)) . "', 0, '$now')";
            }
        }
        $this->exec('INSERT INTO dialog_user (dialog_id, user_id, deleted, joined_at) VALUES ' . implode(', ', $du));
        $lap('attachments, bench dialogs');
        foreach (['note', 'notification', 'dialog', 'dialog_user', 'user', 'team_user', 'attachment'] as $table) {
            if ($pg) {
                $pdo->exec("VACUUM ANALYZE \"$table\"");
            } else {
                $pdo->query("ANALYZE TABLE `$table`")->fetchAll();
            }
        }
        $lap('analyze');
        return $t;
    }
}
