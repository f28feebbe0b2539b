<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;

/** GET EblaChat/unread: {total, dialogs: {dialogId: n}}. */
class GetUnread extends Base
{
    protected function handle(Request $request): mixed
    {
        return self::unreadShape(ebla_chat_unread($this->engine->pdo(), $this->engine->actorId()));
    }
}
