<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** GET EblaChat/dialogs/:id/messages?before&after&maxSize: {list} newest first. */
class ListMessages extends Base
{
    protected function handle(Request $request): mixed
    {
        $options = [];

        foreach (['before' => 'before', 'after' => 'after', 'maxSize' => 'limit'] as $param => $option) {
            $value = Input::queryInt($request, $param);

            if ($value !== null) {
                $options[$option] = $value;
            }
        }

        $list = ebla_chat_messages($this->engine->pdo(), $this->engine->actorId(), Input::routeId($request), $options);

        return ['list' => $list];
    }
}
