package shapes_test

import (
	"fmt"

	"bcp/core/shapes"
)

// The trajectory target of a 5 s trial at dt = 1 ms: 5000 points around the
// turtle, starting at the top of its head.
func ExampleBuiltin() {
	turtle, err := shapes.Builtin("turtle")
	if err != nil {
		fmt.Println(err)
		return
	}
	target := turtle.Sample(5000)
	fmt.Printf("%d points; the first, at the top of the head, has y = %.2f\n",
		len(target), target[0][1])
	// Output: 5000 points; the first, at the top of the head, has y = 1.00
}

func ExampleParsePathData() {
	square, err := shapes.ParsePathData("M 0 0 h 2 v 2 h -2 z")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(square.Length())
	for _, q := range square.Sample(4) {
		fmt.Println(q)
	}
	_, err = shapes.ParsePathData("M 0 0 L 1")
	fmt.Println(err)
	// Output:
	// 8
	// [-1 1]
	// [1 1]
	// [1 -1]
	// [-1 -1]
	// shapes: bad path data at offset 9: expected a number for 'L', found the end of the data
}
