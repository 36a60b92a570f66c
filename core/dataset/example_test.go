package dataset_test

import (
	"fmt"
	"log"

	"bcp/core/dataset"
)

// A training loop visits the training split in a new order every epoch and gathers
// each batch into buffers allocated once.
func Example() {
	data, err := dataset.Load("fashion-mnist", dataset.DefaultFashionDir, 0, 0)
	if err != nil {
		log.Fatal(err)
	}

	const batch, seed = 100, 1
	train := &data.Train
	x := make([]float32, batch*train.Dim)
	y := make([]float32, batch*train.Classes)
	for epoch := range 2 {
		order := dataset.EpochOrder(seed, epoch, train.N)
		for start := 0; start+batch <= train.N; start += batch {
			train.Batch(order[start:start+batch], x, y)
			// Train on x and y here.
		}
	}
	fmt.Println(train.N, data.Valid.N, data.Test.N)
}
