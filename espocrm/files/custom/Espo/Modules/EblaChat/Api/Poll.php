<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * GET EblaChat/poll[?dialogId&after&maxSize&peek]: the polling fallback in one request: unread,
 * popups, and the new messages of the open dialog. Popups are consumed (returned once) unless
 * peek=true: a client that leaves the popups to EspoCRM's popup notifications (WebSocket mode)
 * polls with peek, or it takes the popups away from them.
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

        if (Input::queryBool($request, 'peek')) {
            $options['peek'] = true;
        }

        $result = ebla_chat_poll($this->engine->pdo(), $this->engine->actorId(), $options);
        $result['unread'] = self::unreadShape($result['unread']);

        return $result;
    }
}
