<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * GET EblaChat/poll[?dialogId&after&maxSize]: the polling fallback in one request: unread,
 * popups (consumed), and the new messages of the open dialog.
 */
class Poll extends Base
{
    protected function handle(Request $request): mixed
    {
        $options = [];
        $dialogId = Input::queryString($request, 'dialogId');

        if ($dialogId !== null) {
            $options['dialogId'] = $dialogId;
            $options['after'] = Input::queryInt($request, 'after') ?? 0;
        }

        $limit = Input::queryInt($request, 'maxSize');

        if ($limit !== null) {
            $options['limit'] = $limit;
        }

        $result = ebla_chat_poll($this->engine->pdo(), $this->engine->actorId(), $options);
        $result['unread'] = self::unreadShape($result['unread']);

        return $result;
    }
}
