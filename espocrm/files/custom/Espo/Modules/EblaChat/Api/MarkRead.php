<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;
use PDO;

/** POST EblaChat/dialogs/:id/read {number?}: {unread, mentions, lastReadNumber}. */
class MarkRead extends Base
{
    protected function handle(Request $request): mixed
    {
        $dialogId = Input::routeId($request);
        $number = Input::optionalInt(Input::body($request), 'number');
        $pdo = $this->engine->pdo();
        $actorId = $this->engine->actorId();

        $unread = ebla_chat_mark_read($pdo, $actorId, $dialogId, $number);

        // The membership exists (mark_read refuses non-members): its watermark and mentions.
        $sth = $pdo->prepare(
            'SELECT last_read_number, mention_count FROM dialog_user ' .
            'WHERE dialog_id = ? AND user_id = ? AND deleted = ?'
        );
        $sth->bindValue(1, $dialogId);
        $sth->bindValue(2, $actorId);
        $sth->bindValue(3, false, PDO::PARAM_BOOL);
        $sth->execute();
        $row = $sth->fetch(PDO::FETCH_NUM) ?: [0, 0];

        return [
            'unread' => $unread,
            'mentions' => (int) $row[1],
            'lastReadNumber' => (int) $row[0],
        ];
    }
}
