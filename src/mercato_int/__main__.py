from mercato_int.cli.entry import main

if __name__ == "__main__":
    main()
