<?php
/*
 * The algorithm of ebla_chat, in plain PHP with PDO and php-redis: unread counts are counters
 * (dialog.message_count minus dialog_user.read_count), so a post writes O(1) rows whatever the
 * member count; every write publishes its events after COMMIT in one pipelined round trip
 * (multi(Redis::PIPELINE)). Statement for statement the same work as the C code, so the
 * difference between the two is what C saves in PHP itself (calls, arrays, JSON, strings).
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;
use PDOStatement;

final class SameAlgorithm implements Chat
{
    /** @var array<string, PDOStatement> */
    private array $stmts = [];

    public function __construct(private PDO $pdo, private CountingRedis $redis)
    {
    }

    public function name(): string
    {
        return 'SameAlgorithm';
    }

    private function st(string $sql): PDOStatement
    {
        return $this->stmts[$sql] ??= $this->pdo->prepare($sql);
    }

    private function all(string $sql, array $params): array
    {
        $s = $this->st($sql);
        $s->execute($params);
        return $s->fetchAll(PDO::FETCH_ASSOC);
    }

    private function run(string $sql, array $params): int
    {
        $s = $this->st($sql);
        $s->execute($params);
        return $s->rowCount();
    }

    /** @var array<string, array> the actor's user row, once per process (ebla_chat caches it per request) */
    private array $actors = [];

    private function actor(string $id): array
    {
        if (!isset($this->actors[$id])) {
            $u = $this->all('SELECT id, type, is_active, first_name, last_name, user_name FROM `user` WHERE id = ? AND deleted = 0', [$id]);
            if (!$u || !$u[0]['is_active']) {
                throw new \RuntimeException("no active user $id");
            }
            $u[0]['name'] = trim(($u[0]['first_name'] ?? '') . ' ' . ($u[0]['last_name'] ?? '')) ?: $u[0]['user_name'];
            $this->actors[$id] = $u[0];
        }
        return $this->actors[$id];
    }

    /** The message row of a new post, from what the writer already knows (no re-read). */
    private function messageRow(string $noteId, int $number, string $dialogId, array $author, string $text, string $now,
        array $attachments): array
    {
        return ['id' => $noteId, 'number' => $number, 'dialogId' => $dialogId, 'authorId' => $author['id'],
            'authorName' => $author['name'], 'text' => $text, 'createdAt' => $now, 'modifiedAt' => $now, 'edited' => false,
            'voice' => false, 'mentions' => [], 'attachments' => $attachments];
    }

    /** @var array<string, PDOStatement> scripts: several statements, values inlined by PDO (emulated prepare) */
    private array $scripts = [];

    private function mysql(): bool
    {
        return $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql';
    }

    /**
     * ebla_chat's post (docs/design.md "Posting in two round trips"), statement for statement:
     * round trip 1 reads the dialog with the actor's membership without a lock; round trip 2 is
     * the whole locked transaction as one script (MySQL/MariaDB: a multi-statement query between
     * START TRANSACTION and COMMIT, results read with nextRowset(); PostgreSQL: one simple-protocol
     * query, an implicit transaction at READ COMMITTED, which returns its last statement's rows):
     * the dialog's lock (MariaDB: with the pending activity stamp), the note with the dialog's
     * counters (PostgreSQL: one statement), its attachments (a check: an error that ends the script
     * otherwise), the author's membership joined with the dialog as just written (a check that both
     * are still live), and the members with their counts for the events (PostgreSQL: in the same
     * statement as the author's UPDATE). Events after the commit, one
     * pipelined round trip. (A failed check makes ebla_chat post again the classic way; the
     * benchmark never meets one, so here it is an exception.)
     */
    public function post(string $actor, string $dialogId, string $text, array $attachmentIds = []): array
    {
        $author = $this->actor($actor);
        $my = $this->mysql();
        $q = $my ? '`' : '"';
        $now = now();
        $noteId = Ids::generate();
        $attachments = [];
        $d = $this->all("SELECT d.id, d.name, d.{$q}type{$q}, d.parent_type, d.parent_id, d.created_at, d.created_by_id, "
            . 'd.last_message_at, d.last_message_id, d.last_message_number, d.message_count, d.direct_key, du.id AS du_id, '
            . 'du.read_count, du.last_read_number, du.mention_count, du.is_muted, du.notified_number FROM dialog d '
            . 'LEFT JOIN dialog_user du ON du.dialog_id = d.id AND du.user_id = ? AND du.deleted = FALSE '
            . 'WHERE d.id = ? AND d.deleted = FALSE', [$actor, $dialogId]);
        if (!$d || $d[0]['du_id'] === null) {
            throw new \RuntimeException('not a member');
        }
        if ($attachmentIds) {
            $in = implode(', ', array_fill(0, count($attachmentIds), '?'));
            foreach ($this->all("SELECT id, name, type, size FROM attachment WHERE id IN ($in)", $attachmentIds) as $a) {
                $attachments[] = ['id' => $a['id'], 'name' => $a['name'], 'type' => $a['type'], 'size' => (int) $a['size']];
            }
        }
        $check = fn (int $n) => "SELECT 1 INTO @ec_chat_check FROM (SELECT 1 AS x UNION ALL SELECT 2) ec_t WHERE ROW_COUNT() <> $n";
        $insert = "INSERT INTO note (id, deleted, post, data, {$q}type{$q}, is_global, is_internal, is_pinned, created_at, modified_at, "
            . "parent_id, parent_type, created_by_id) VALUES (?, FALSE, ?, ?, 'Post', FALSE, FALSE, FALSE, ?, ?, ?, 'Dialog', ?)";
        $counters = 'UPDATE dialog SET message_count = message_count + 1, last_message_number = %1$s, last_message_id = ?, '
            . 'last_message_at = ?, modified_at = ?, activity = %2$s WHERE id = ?';
        $sql = $my
            ? ['START TRANSACTION', 'UPDATE dialog SET activity = 9223372036854775807 WHERE id = ? AND deleted = FALSE', $insert,
                sprintf($counters, 'LAST_INSERT_ID()', 'LAST_INSERT_ID()')]
            : ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'SELECT id FROM dialog WHERE id = ? AND deleted = FALSE FOR UPDATE',
                "WITH ec_n AS ($insert RETURNING \"number\") " . sprintf($counters, '(SELECT "number" FROM ec_n)', 'txid_current()')];
        $params = [$dialogId, $noteId, $text, '{}', $now, $now, $dialogId, $actor, $noteId, $now, $now, $dialogId];
        if ($attachmentIds) {
            $update = "UPDATE attachment SET parent_id = ?, parent_type = 'Note', field = 'attachments' "
                . "WHERE deleted = FALSE AND parent_id IS NULL AND created_by_id = ? AND id IN ($in)";
            $n = count($attachmentIds);
            array_push($sql, ...($my ? [$update, $check($n)]
                : ["WITH ec_u AS ($update RETURNING 1) SELECT 1 / CASE WHEN COUNT(*) = $n THEN 1 ELSE 0 END FROM ec_u"]));
            array_push($params, $noteId, $actor, ...$attachmentIds);
        }
        // The author's membership, joined with the dialog as just written: the check that both are still live.
        $set = 'read_count = d.message_count, last_read_number = d.last_message_number, notified_number = d.last_message_number, '
            . 'mention_count = 0, unread_hint = FALSE, list_number = d.last_message_number';
        $authorSql = $my
            ? "UPDATE dialog_user du JOIN dialog d ON d.id = du.dialog_id AND d.deleted = FALSE SET $set WHERE du.id = ? AND du.deleted = FALSE"
            : "UPDATE dialog_user du SET $set FROM dialog d WHERE d.id = du.dialog_id AND d.deleted = FALSE AND du.id = ? AND du.deleted = FALSE";
        $answer = 'SELECT d.message_count, d.last_message_number, du.user_id, du.read_count, du.mention_count FROM dialog d '
            . 'JOIN dialog_user du' . ($my ? ' FORCE INDEX (IDX_DIALOG_ID)' : '') . ' ON du.dialog_id = d.id AND du.deleted = FALSE WHERE d.id = ?';
        array_push($sql, ...($my ? [$authorSql, $check(1), $answer, 'COMMIT']
            : ["WITH ec_u AS ($authorSql RETURNING 1), ec_c AS (SELECT 1 / CASE WHEN COUNT(*) = 1 THEN 1 ELSE 0 END AS ok FROM ec_u) "
                . "SELECT ec_a.* FROM ec_c LEFT JOIN ($answer) ec_a ON ec_c.ok = 1"]));
        array_push($params, $d[0]['du_id'], $dialogId);
        $text2 = implode('; ', $sql);
        $st = $this->scripts[$text2] ??= $this->pdo->prepare($text2, [PDO::ATTR_EMULATE_PREPARES => true]);
        try {
            $st->execute($params);
            $rows = [];
            do {
                if ($st->columnCount() > 0) {
                    $rows = $st->fetchAll(PDO::FETCH_NUM);
                }
            } while ($my && $st->nextRowset());
        } catch (\PDOException $e) {
            if ($my) {
                $this->pdo->exec('ROLLBACK');
            }
            throw ($my ? ($e->errorInfo[1] ?? null) === 1172 : ($e->errorInfo[0] ?? null) === '22012') ? new \RuntimeException('stale: ebla_chat posts the classic way', 0, $e) : $e;
        }
        $count = (int) $rows[0][0];
        $number = (int) $rows[0][1];
        $events = [];
        foreach ($rows as [, , $user, $read, $mentions]) {
            $events[] = [Env::CHANNEL, json(['dialogId' => $dialogId, 'messageId' => $noteId, 'number' => $number,
                'authorId' => $actor, 'unread' => $user === $actor ? 0 : max(0, $count - (int) $read),
                'mentions' => $user === $actor ? 0 : (int) $mentions, 'userId' => $user, 'topicId' => 'eblaChat.message'])];
        }
        $events[] = [Env::CHANNEL,
            json(['createdById' => $actor, 'topicId' => "streamUpdate.Dialog.$dialogId"])];
        $this->redis->publishPipelined($events);
        return $this->messageRow($noteId, $number, $dialogId, $author, $text, $now, $attachments);
    }

    public function messages(string $actor, string $dialogId, int $limit = 50): array
    {
        $this->actor($actor);
        if (!$this->all('SELECT id FROM dialog_user WHERE dialog_id = ? AND user_id = ? AND deleted = 0', [$dialogId, $actor])) {
            throw new \RuntimeException('not a member');
        }
        $rows = $this->all("SELECT n.id, n.number, n.parent_id, n.post, n.data, n.created_at, n.modified_at, n.created_by_id,
                TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS author_name
            FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id
            WHERE n.parent_id = ? AND n.parent_type = 'Dialog' AND n.type = 'Post' AND n.deleted = 0
            ORDER BY n.number DESC LIMIT " . $limit, [$dialogId]);
        return $this->noteRows($rows);
    }

    /** Message rows (README "Functions") of note rows, with their attachments: one more query. */
    private function noteRows(array $rows): array
    {
        if (!$rows) {
            return [];
        }
        $ids = array_column($rows, 'id');
        $in = implode(', ', array_fill(0, count($ids), '?'));
        $by = [];
        foreach ($this->all("SELECT id, name, type, size, parent_id FROM attachment
                WHERE parent_type = 'Note' AND parent_id IN ($in) AND deleted = 0 ORDER BY created_at, id", $ids) as $a) {
            $by[$a['parent_id']][] = ['id' => $a['id'], 'name' => $a['name'], 'type' => $a['type'], 'size' => (int) $a['size']];
        }
        $out = [];
        foreach ($rows as $r) {
            $data = json_decode($r['data'] ?? '{}', true) ?: [];
            $out[] = ['id' => $r['id'], 'number' => (int) $r['number'], 'dialogId' => $r['parent_id'], 'authorId' => $r['created_by_id'],
                'authorName' => $r['author_name'], 'text' => $r['post'], 'createdAt' => $r['created_at'],
                'modifiedAt' => $r['modified_at'], 'edited' => $r['modified_at'] !== $r['created_at'],
                'voice' => !empty($data['voice']), 'mentions' => $data['mentions'] ?? [],
                'attachments' => $by[$r['id']] ?? []];
        }
        return $out;
    }

    private function pg(): bool
    {
        return $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql';
    }

    /** ebla_chat's own transaction: on PostgreSQL at READ COMMITTED whatever the session's default. */
    private function begin(): void
    {
        $this->pdo->beginTransaction();
        if ($this->pg()) {
            $this->pdo->exec('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        }
    }

    /** A lock conflict of a NOWAIT read, a lock wait timeout, a deadlock or a serialization failure. */
    private static function lockConflict(\PDOException $e): bool
    {
        $state = $e->errorInfo[0] ?? '';
        $code = (int) ($e->errorInfo[1] ?? 0);
        return in_array($state, ['55P03', '40001', '40P01'], true) || in_array($code, [1205, 1213, 3572], true);
    }

    /**
     * The actor's memberships of the dialogs $ids, or of all its dialogs (null), caught up: hinted
     * where they have unread messages, list_number set to the dialog's last message number.
     */
    private function hintsSet(string $actor, ?array $ids): void
    {
        $count = 'COALESCE((SELECT d.message_count FROM dialog d WHERE d.id = dialog_user.dialog_id AND d.deleted = FALSE), 0)';
        $last = 'COALESCE((SELECT d.last_message_number FROM dialog d WHERE d.id = dialog_user.dialog_id), 0)';
        $sql = "UPDATE dialog_user SET unread_hint = CASE WHEN read_count < $count THEN TRUE ELSE unread_hint END, list_number = $last
            WHERE user_id = ? AND deleted = FALSE AND (list_number <> $last OR (unread_hint = FALSE AND read_count < $count))";
        if ($ids === null) {
            $this->run($sql, [$actor]);
            return;
        }
        $this->run($sql . ' AND dialog_id IN (' . implode(', ', array_fill(0, count($ids), '?')) . ')', array_merge([$actor], $ids));
    }

    /**
     * ebla_chat's unread hints (docs/design.md "Unread hints"), statement for statement: one query
     * for the watermark, the horizon and whether any dialog was written since; if so the dialogs
     * written since, read while the horizon is settled (MySQL: a NOWAIT locking read), the
     * reader's memberships of them hinted, the watermark advanced. True when the hinted rows alone
     * may be read.
     */
    /** One user's memberships with their dialogs, driven from the memberships by $index (MariaDB:
     *  forced, with the join order fixed), as ebla_chat's ec_sql_from_memberships(). */
    private function fromMemberships(string $index): string
    {
        return $this->pg() ? 'FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id'
            : "FROM dialog_user du FORCE INDEX ($index) STRAIGHT_JOIN dialog d ON d.id = du.dialog_id";
    }

    private function hintsRefresh(string $actor): bool
    {
        if ($this->pdo->inTransaction()) {
            return false;
        }
        $pg = $this->pg();
        $r = $this->all('SELECT w.a, ' . ($pg ? 'txid_snapshot_xmin(txid_current_snapshot()) - 1' : '(SELECT MAX(activity) FROM dialog)')
            . ', CASE WHEN w.a IS NULL OR (SELECT MAX(activity) FROM dialog) > w.a THEN 1 ELSE 0 END
            FROM (SELECT (SELECT activity FROM dialog_reader WHERE id = ?) AS a) w', [$actor])[0];
        $r = array_values($r);
        $first = $r[0] === null;
        $horizon = (int) $r[1];
        if (!(int) $r[2]) {
            return true;
        }
        // The dialogs stamped since the watermark, read while the horizon is settled (MySQL: one
        // locking read, NOWAIT, that fails at once on a post under way; then what is committed is
        // hinted all the same, and the watermark stays).
        $since = $first ? -1 : (int) $r[0];
        $busy = false;
        $changed = null;
        if (!$pg) {
            try {
                $changed = $this->all('SELECT id, activity FROM dialog FORCE INDEX (IDX_ACTIVITY) WHERE activity > ?
                    ORDER BY activity LOCK IN SHARE MODE NOWAIT', [$since < 0 ? $horizon - 1 : $since]);
                foreach ($changed as $a) {
                    $horizon = max($horizon, (int) $a['activity']);
                }
            } catch (\PDOException $e) {
                if (!self::lockConflict($e)) {
                    throw $e;
                }
                $busy = true;
            }
        }
        if ($changed === null) {
            $changed = $since < 0 ? [] : $this->all('SELECT id FROM dialog WHERE activity > ?', [$since]);
        }
        try {
            if ($first) {
                $this->hintsSet($actor, null);
            } elseif ($changed) {
                $this->hintsSet($actor, count($changed) > 500 ? null : array_column($changed, 'id'));
            }
            if (!$busy && (!$first || $this->run('INSERT INTO dialog_reader (id, activity) VALUES (?, ?)'
                    . ($pg ? ' ON CONFLICT DO NOTHING' : ' ON DUPLICATE KEY UPDATE id = id'), [$actor, $horizon]) <= 0)) {
                $this->run('UPDATE dialog_reader SET activity = ? WHERE id = ? AND activity < ?', [$horizon, $actor, $horizon]);
            }
        } catch (\PDOException $e) {
            if (self::lockConflict($e)) {
                return false;
            }
            throw $e;
        }
        return true;
    }

    public function bell(string $actor): int
    {
        $this->actor($actor);
        $hinted = $this->hintsRefresh($actor);
        $total = 0;
        foreach ($this->all('SELECT d.id, d.message_count - du.read_count AS unread, du.is_muted ' . $this->fromMemberships('IDX_USER_UNREAD')
                . ' WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE
                AND d.message_count > du.read_count' . ($hinted ? ' AND du.unread_hint = TRUE' : ''), [$actor]) as $r) {
            if (!$r['is_muted']) {
                $total += (int) $r['unread'];
            }
        }
        return $total;
    }

    public function dialogList(string $actor, int $limit = 50): array
    {
        $this->actor($actor);
        // The first page of the whole list from the actor's own ordered memberships once they are
        // caught up (ebla_chat's listing.c, docs/design.md "The dialog list"); else sorted.
        if ($this->hintsRefresh($actor)) {
            [$rows, $total] = $this->firstPage($actor, $limit);
            return ['total' => $total, 'list' => $this->dialogRows($actor, $rows)];
        }
        $total = (int) $this->all('SELECT COUNT(*) AS c FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id AND d.deleted = 0
            WHERE du.user_id = ? AND du.deleted = 0', [$actor])[0]['c'];
        $rows = $this->all('SELECT d.id, d.name, d.type, d.parent_type, d.parent_id, d.last_message_id, d.last_message_at,
                d.created_at, d.created_by_id, d.message_count - du.read_count AS unread, du.mention_count, du.is_muted
            FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id AND d.deleted = 0
            WHERE du.user_id = ? AND du.deleted = 0
            ORDER BY d.last_message_number DESC, d.created_at DESC, d.id DESC LIMIT ' . $limit, [$actor]);
        return ['total' => $total, 'list' => $this->dialogRows($actor, $rows)];
    }

    private function listing(): string
    {
        return 'SELECT d.id, d.name, d.type, d.parent_type, d.parent_id, d.last_message_id, d.last_message_at,
            d.last_message_number, d.created_at, d.created_by_id, d.message_count - du.read_count AS unread, du.mention_count,
            du.is_muted, du.list_number ' . $this->fromMemberships('IDX_USER_LIST')
            . ' WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE AND ';
    }

    /** Folds the memberships joined or left since they were counted into dialog_count (own transaction). */
    private function recount(string $actor): void
    {
        $this->begin();
        try {
            if (!$this->all('SELECT id FROM dialog_reader WHERE id = ? FOR UPDATE', [$actor])) {
                $this->pdo->rollBack();
                return;
            }
            $joined = $this->run('UPDATE dialog_user SET counted = TRUE WHERE user_id = ? AND deleted = FALSE AND counted = FALSE', [$actor]);
            $left = $this->run('UPDATE dialog_user SET counted = FALSE WHERE user_id = ? AND deleted = TRUE AND counted = TRUE', [$actor]);
            $this->run('UPDATE dialog_reader SET dialog_count = dialog_count + ? WHERE id = ?', [$joined - $left, $actor]);
            $this->pdo->commit();
        } catch (\PDOException $e) {
            $this->pdo->rollBack();
            if (!self::lockConflict($e)) {
                throw $e;
            }
        }
    }

    /**
     * Memberships by list_number downwards, limit + 10 at a time, until the limit best real
     * numbers cannot be beaten; then the dialogs without messages, newest first; the count only
     * for a full page. @return array{0: list<array>, 1: int}
     */
    private function firstPage(string $actor, int $limit): array
    {
        $batch = $limit + 10;
        $with = [];
        $without = [];
        $params = [$actor];
        $more = true;
        while ($more) {
            $rows = $this->all($this->listing() . 'du.list_number > 0'
                . (count($params) === 1 ? '' : ' AND (du.list_number < ? OR (du.list_number = ? AND du.dialog_id < ?))')
                . ' ORDER BY du.list_number DESC, du.dialog_id DESC LIMIT ' . $batch, $params);
            foreach ($rows as $r) {
                if ((int) $r['last_message_number'] > 0) {
                    $with[] = $r;
                } else {
                    $without[] = $r;
                }
            }
            usort($with, fn ($a, $b) => (int) $b['last_message_number'] <=> (int) $a['last_message_number']);
            $more = count($rows) === $batch;
            if ($more) {
                $last = $rows[$batch - 1];
                $params = [$actor, (int) $last['list_number'], (int) $last['list_number'], $last['id']];
                $more = !isset($with[$limit - 1]) || (int) $with[$limit - 1]['last_message_number'] < (int) $last['list_number'];
            }
        }
        if (count($with) < $limit) {
            foreach ($this->all($this->listing() . 'du.list_number = 0 ORDER BY d.created_at DESC, d.id DESC LIMIT '
                    . ($limit - count($with)), [$actor]) as $r) {
                if ((int) $r['last_message_number'] > 0) {
                    $with[] = $r;
                } else {
                    $without[] = $r;
                }
            }
            usort($without, fn ($a, $b) => strcmp((string) $b['created_at'], (string) $a['created_at']) ?: strcmp($b['id'], $a['id']));
        }
        $page = array_slice(array_merge($with, $without), 0, $limit);
        $total = count($page);
        if ($total === $limit) {
            // The count kept per reader: dialog_reader.dialog_count, plus the memberships joined
            // and less those left since they were counted, less those in deleted dialogs.
            $t = array_values($this->all('SELECT COALESCE((SELECT dialog_count FROM dialog_reader WHERE id = ?), 0),
                (SELECT COUNT(*) FROM dialog_user WHERE user_id = ? AND deleted = FALSE AND counted = FALSE),
                (SELECT COUNT(*) FROM dialog_user WHERE user_id = ? AND deleted = TRUE AND counted = TRUE),
                (SELECT COUNT(*) FROM dialog d' . ($this->pg() ? '' : ' FORCE INDEX (IDX_DELETED)') . ' JOIN dialog_user du
                    ON du.dialog_id = d.id AND du.user_id = ? AND du.deleted = FALSE WHERE d.deleted = TRUE)',
                [$actor, $actor, $actor, $actor])[0]);
            $total = (int) $t[0] + (int) $t[1] - (int) $t[2] - (int) $t[3];
            if ((int) $t[1] + (int) $t[2] > 64) {
                $this->recount($actor);
            }
        }
        return [$page, $total];
    }

    private function dialogRows(string $actor, array $rows): array
    {
        if (!$rows) {
            return [];
        }
        $ids = array_column($rows, 'id');
        $in = implode(', ', array_fill(0, count($ids), '?'));
        $members = [];
        $names = [];
        // By the dialog_id index on MariaDB (ordered by id it may walk every membership).
        $byDialog = $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? ' FORCE INDEX (IDX_DIALOG_ID)' : '';
        foreach ($this->all("SELECT du.dialog_id, u.id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS name
                FROM dialog_user du$byDialog JOIN `user` u ON u.id = du.user_id
                WHERE du.dialog_id IN ($in) AND du.deleted = 0 ORDER BY du.id", $ids) as $m) {
            $members[$m['dialog_id']][] = $m['id'];
            $names[$m['id']] = $m['name'];
        }
        $lastIds = array_values(array_filter(array_column($rows, 'last_message_id')));
        $last = [];
        if ($lastIds) {
            $in2 = implode(', ', array_fill(0, count($lastIds), '?'));
            // Last messages are full message rows (author name, attachments), as in the history.
            foreach ($this->noteRows($this->all("SELECT n.id, n.number, n.parent_id, n.post, n.data, n.created_at, n.modified_at,
                    n.created_by_id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS author_name
                    FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id WHERE n.id IN ($in2) AND n.deleted = 0", $lastIds)) as $n) {
                $last[$n['id']] = $n;
            }
        }
        $out = [];
        foreach ($rows as $r) {
            $name = $r['name'];
            if ($name === null && $r['type'] === 'Direct') {
                foreach ($members[$r['id']] ?? [] as $m) {
                    if ($m !== $actor) {
                        $name = $names[$m];
                    }
                }
            }
            $out[] = ['id' => $r['id'], 'name' => $name, 'type' => strtolower($r['type']), 'parentType' => $r['parent_type'],
                'parentId' => $r['parent_id'], 'memberIds' => $members[$r['id']] ?? [], 'unread' => (int) $r['unread'],
                'mentions' => (int) ($r['mention_count'] ?? 0), 'muted' => (bool) $r['is_muted'],
                'lastMessage' => $last[$r['last_message_id']] ?? null, 'lastMessageAt' => $r['last_message_at'],
                'createdAt' => $r['created_at'], 'createdById' => $r['created_by_id']];
        }
        return $out;
    }

    public function markRead(string $actor, string $dialogId): int
    {
        $this->actor($actor);
        $this->begin();
        try {
            // PostgreSQL: the dialog row locked by itself first, then the join unlocked (as ebla_chat).
            if ($this->pg()) {
                $this->all('SELECT id FROM dialog WHERE id = ? AND deleted = FALSE FOR UPDATE', [$dialogId]);
            }
            $row = $this->all('SELECT d.message_count, d.last_message_number, du.id AS du_id FROM dialog d
                JOIN dialog_user du ON du.dialog_id = d.id AND du.user_id = ? AND du.deleted = 0
                WHERE d.id = ? AND d.deleted = 0' . ($this->pg() ? '' : ' FOR UPDATE'), [$actor, $dialogId]);
            if (!$row) {
                throw new \RuntimeException('not a member');
            }
            $this->run('UPDATE dialog_user SET read_count = ?, last_read_number = ?, mention_count = 0,
                notified_number = GREATEST(notified_number, ?), unread_hint = FALSE WHERE id = ?',
                [$row[0]['message_count'], $row[0]['last_message_number'], $row[0]['last_message_number'], $row[0]['du_id']]);
            $this->pdo->commit();
        } catch (\Throwable $e) {
            $this->pdo->rollBack();
            throw $e;
        }
        $this->redis->publishPipelined([[Env::CHANNEL, json(['dialogId' => $dialogId, 'unread' => 0,
            'lastReadNumber' => (int) $row[0]['last_message_number'], 'userId' => $actor, 'topicId' => 'eblaChat.read'])]]);
        return 0;
    }

    public function poll(string $actor): array
    {
        $this->actor($actor);
        $hinted = $this->hintsRefresh($actor);
        // One narrow scan of the unread memberships; the popup candidates (newest first, at most
        // 20) then read in full by membership id, as ebla_chat's ec_popups_candidates().
        $rows = $this->all('SELECT d.id, d.message_count - du.read_count AS unread, du.is_muted, d.last_message_number,
                du.notified_number, du.last_read_number, du.id AS du_id ' . $this->fromMemberships('IDX_USER_UNREAD')
            . ' WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE AND d.message_count > du.read_count'
            . ($hinted ? ' AND du.unread_hint = TRUE' : ''), [$actor]);
        $total = 0;
        $dialogs = [];
        $fresh = [];
        foreach ($rows as $r) {
            $dialogs[$r['id']] = (int) $r['unread'];
            if (!$r['is_muted']) {
                $total += (int) $r['unread'];
                if ((int) $r['last_message_number'] > (int) $r['notified_number']
                    && (int) $r['last_message_number'] > (int) $r['last_read_number']) {
                    $fresh[] = $r;
                }
            }
        }
        if ($fresh) {
            usort($fresh, fn ($a, $b) => (int) $b['last_message_number'] <=> (int) $a['last_message_number']);
            $ids = array_column(array_slice($fresh, 0, 20), 'du_id');
            $in = implode(', ', array_fill(0, count($ids), '?'));
            $fresh = $this->all("SELECT d.id, d.name, d.type, d.parent_type, d.parent_id, d.last_message_id, d.last_message_at,
                    d.last_message_number, d.created_at, d.created_by_id, d.message_count - du.read_count AS unread,
                    du.mention_count, du.is_muted, du.notified_number, du.last_read_number, du.id AS du_id
                FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id WHERE du.id IN ($in)", $ids);
            usort($fresh, fn ($a, $b) => (int) $b['last_message_number'] <=> (int) $a['last_message_number']);
        }
        $popups = [];
        if ($fresh) {
            // Claim the candidates: lock only their dialog_user rows (by primary key) and keep
            // those whose watermark is still behind, so two tabs never both show one popup.
            $this->begin();
            try {
                $in = implode(', ', array_fill(0, count($fresh), '?'));
                $marks = array_column($this->all("SELECT id, notified_number FROM dialog_user WHERE id IN ($in) FOR UPDATE",
                    array_column($fresh, 'du_id')), 'notified_number', 'id');
                $fresh = array_values(array_filter($fresh,
                    fn ($r) => (int) ($marks[$r['du_id']] ?? PHP_INT_MAX) < (int) $r['last_message_number']));
                if ($fresh) {
                    foreach ($this->dialogRows($actor, $fresh) as $d) {
                        $popups[] = ['dialogId' => $d['id'], 'name' => $d['name'], 'unread' => $d['unread'],
                            'lastMessage' => $d['lastMessage']];
                    }
                    $case = implode(' ', array_fill(0, count($fresh), $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql'
                        ? 'WHEN CAST(? AS BIGINT) THEN CAST(? AS BIGINT)' : 'WHEN ? THEN ?'));
                    $in = implode(', ', array_fill(0, count($fresh), '?'));
                    $params = [];
                    foreach ($fresh as $r) {
                        array_push($params, $r['du_id'], $r['last_message_number']);
                    }
                    $this->run("UPDATE dialog_user SET notified_number = CASE id $case END WHERE id IN ($in)",
                        array_merge($params, array_column($fresh, 'du_id')));
                }
                $this->pdo->commit();
            } catch (\Throwable $e) {
                $this->pdo->rollBack();
                throw $e;
            }
        }
        return ['unread' => ['total' => $total, 'dialogs' => $dialogs], 'popups' => $popups];
    }

    /** ebla_chat's ACL: the User read level from the roles (own, team roles), then the page. */
    public function partners(string $actor, int $limit = 50): array
    {
        $level = 'own';
        $rank = ['no' => 0, 'own' => 1, 'team' => 2, 'all' => 3];
        $me = $this->all('SELECT type FROM `user` WHERE id = ? AND deleted = 0 AND is_active = 1', [$actor]);
        if (!$me) {
            return [];
        }
        $teams = array_column($this->all('SELECT team_id FROM team_user WHERE user_id = ? AND deleted = 0', [$actor]), 'team_id');
        foreach ($this->all("SELECT r.data FROM role r WHERE r.deleted = 0 AND (
                r.id IN (SELECT role_id FROM role_user WHERE user_id = ? AND deleted = 0)
                OR r.id IN (SELECT rt.role_id FROM role_team rt JOIN team_user tu ON tu.team_id = rt.team_id AND tu.deleted = 0
                            WHERE tu.user_id = ? AND rt.deleted = 0))", [$actor, $actor]) as $r) {
            $l = json_decode($r['data'] ?? '{}', true)['User']['read'] ?? null;
            if (is_string($l) && isset($rank[$l]) && $rank[$l] > $rank[$level]) {
                $level = $l;
            }
        }
        $name = "TRIM(CONCAT(COALESCE(first_name, ''), ' ', COALESCE(last_name, '')))";
        // COALESCE keeps MariaDB off IDX_TYPE (10,000 random row reads) in favour of one scan.
        $base = "FROM `user` WHERE deleted = 0 AND is_active = 1 AND COALESCE(type, 'regular') IN ('regular', 'admin') AND id <> ?";
        $params = [$actor];
        if ($level === 'team') {
            if (!$teams) {
                return [];
            }
            $in = implode(', ', array_fill(0, count($teams), '?'));
            $base .= " AND id IN (SELECT user_id FROM team_user WHERE team_id IN ($in) AND deleted = 0)";
            $params = array_merge($params, $teams);
        } elseif ($level !== 'all') {
            return [];
        }
        $out = [];
        foreach ($this->all("SELECT id, user_name, type, $name AS name $base ORDER BY name, id LIMIT $limit", $params) as $r) {
            $out[] = ['id' => $r['id'], 'name' => $r['name'], 'userName' => $r['user_name'], 'type' => $r['type']];
        }
        return $out;
    }
}
